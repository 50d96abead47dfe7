import type {
  AccessChangeFacts,
  AccessEntryFacts,
  AskFacts,
  AwsAuthFacts,
  AwsAuthWriteFact,
  ClusterFacts,
  CreatorFacts,
  EndedGrantFacts,
  Evidence,
  FactFailure,
  IamFacts,
  IdentityFacts,
  Known,
  RbacFacts,
} from '../../core/diagnose/evidence.ts';
import { accessEntryArn, isParsedArn, type ParsedArn, parseArn } from '../../core/identity/arn.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { type AdapterError, toAdapterError } from '../../shared/errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { DiagnosticsGateway, DiagnosticsGateways } from '../ports/diagnostics.ts';

/** Each look-up gets this long; a slow one becomes an "unknown" fact instead of holding the answer. */
export const FACT_TIMEOUT_MS = 5_000;

export interface GatherInput {
  cluster: ClusterSettings;
  identity: Omit<IdentityFacts, 'iamArn'>;
  ask: AskFacts;
  lastGrantAt?: number;
  /** The person's last ended eks-access grant on the cluster (from the request store). */
  endedGrant?: EndedGrantFacts;
  /** eks-access's aws-auth writes on the cluster, oldest first (from the audit trail). */
  awsAuthWrites?: readonly AwsAuthWriteFact[];
}

export interface GatherDeps {
  clock: Clock;
  diagnostics: DiagnosticsGateways;
  timeoutMs?: number;
}

/**
 * Gathers the facts in two parallel waves: (cluster, IAM principal), then (access entry, aws-auth, creator),
 * which need the first wave's answers. With 300 ms per AWS call that is about two round trips.
 */
export async function gatherEvidence(deps: GatherDeps, input: GatherInput): Promise<Evidence> {
  const gateway = deps.diagnostics.forCluster(input.cluster);
  const limit = deps.timeoutMs ?? FACT_TIMEOUT_MS;
  const parsedOrProblem = parseArn(input.identity.given);
  const parsed = isParsedArn(parsedOrProblem) ? parsedOrProblem : undefined;

  const [described, iam] = await Promise.all([
    known(gateway.describeCluster(), limit, 'DescribeCluster'),
    parsed ? known(lookUpIam(gateway, parsed), limit, 'IAM') : unknown<IamFacts>('the identity is not a valid IAM ARN'),
  ]);
  const clusterInfo: Known<ClusterFacts> = described.known ? { known: true, value: described.value.facts } : described;
  const iamArn =
    (iam.known && iam.value.exists ? iam.value.arn : undefined) ?? (parsed ? accessEntryArn(parsed) : undefined);
  const facts = clusterInfo.known ? clusterInfo.value : undefined;
  const mode = facts?.authenticationMode;
  const connection = described.known ? described.value.connection : undefined;

  const entryFact = accessEntryFact(gateway, facts, iamArn, limit);
  const [accessEntry, awsAuth, creator, rbac, accessChanges] = await Promise.all([
    entryFact,
    awsAuthFact(gateway, facts, connection, limit),
    facts?.found
      ? known(gateway.creator(facts), limit, 'the creator look-up')
      : unknown<CreatorFacts>(facts ? 'the cluster was not found' : 'DescribeCluster did not answer'),
    rbacFact(gateway, facts, connection, limit),
    entryFact.then((entry) => accessChangesFact(gateway, entry, iamArn, limit)),
  ]);
  return {
    cluster: {
      name: input.cluster.name,
      region: input.cluster.region,
      accountId: input.cluster.accountId,
      method: input.cluster.method,
    },
    now: deps.clock.now(),
    identity: { ...input.identity, ...(iamArn ? { iamArn } : {}) },
    clusterInfo,
    accessEntry,
    awsAuth,
    iam,
    creator,
    ...(input.lastGrantAt !== undefined ? { lastGrantAt: input.lastGrantAt } : {}),
    ask: input.ask,
    ...(rbac ? { rbac } : {}),
    ...(accessChanges ? { accessChanges } : {}),
    ...(input.awsAuthWrites ? { awsAuthWrites: input.awsAuthWrites } : {}),
    ...(input.endedGrant ? { endedGrant: input.endedGrant } : {}),
  };

  function accessEntryFact(g: DiagnosticsGateway, f: ClusterFacts | undefined, arn: string | undefined, ms: number) {
    if (!f?.found) return unknown<AccessEntryFacts>('the cluster was not described');
    if (mode === 'CONFIG_MAP') return unknown<AccessEntryFacts>('CONFIG_MAP clusters have no access entries');
    if (!arn) return unknown<AccessEntryFacts>('no IAM ARN to look up (session, federated or root principal)');
    return known(g.accessEntry(arn), ms, 'the access-entry look-up');
  }
}

/** The bindings, when the gateway can read them (absent: not gathered, so no rule relies on them). */
function rbacFact(
  gateway: DiagnosticsGateway,
  facts: ClusterFacts | undefined,
  connection: { endpoint: string; caData: string } | undefined,
  ms: number,
): Promise<Known<RbacFacts> | undefined> {
  if (!gateway.rbacBindings) return Promise.resolve(undefined);
  if (!facts?.found) return unknown('the cluster was not described');
  if (!connection) return unknown('DescribeCluster gave no endpoint or certificate authority');
  return known(gateway.rbacBindings(connection), ms, 'listing RBAC bindings');
}

/**
 * CloudTrail's record of who changed the entry: a missing entry → who deleted it; an entry without policy → who
 * disassociated one or updated it. Only where access entries exist; each event name is one rate-limited LookupEvents call.
 */
function accessChangesFact(
  gateway: DiagnosticsGateway,
  entry: Known<AccessEntryFacts>,
  arn: string | undefined,
  ms: number,
): Promise<Known<AccessChangeFacts> | undefined> {
  if (!gateway.accessChanges || !arn) return Promise.resolve(undefined);
  if (!entry.known) return unknown(`the access entry was not read (${entry.reason})`);
  const { entry: found, policies } = entry.value;
  // An entry with a policy works as far as EKS goes: no look-up, to leave CloudTrail's 2 calls/s to others.
  if (found && policies.length > 0) return Promise.resolve(undefined);
  const events = found
    ? (['DisassociateAccessPolicy', 'UpdateAccessEntry'] as const)
    : (['DeleteAccessEntry'] as const);
  return known(gateway.accessChanges(arn, events), ms, 'CloudTrail LookupEvents');
}

async function lookUpIam(gateway: DiagnosticsGateway, arn: ParsedArn): Promise<IamFacts> {
  switch (arn.kind) {
    case 'user':
      return gateway.iamPrincipal('user', arn.name);
    case 'role':
      return gateway.iamPrincipal('role', arn.name);
    case 'assumed-role':
      return gateway.iamPrincipal('role', arn.roleName);
    case 'federated-user':
    case 'root':
      return { exists: true };
  }
}

function awsAuthFact(
  gateway: DiagnosticsGateway,
  facts: ClusterFacts | undefined,
  connection: { endpoint: string; caData: string } | undefined,
  ms: number,
): Promise<Known<AwsAuthFacts>> {
  if (!facts?.found) return unknown('the cluster was not described');
  // In API mode the cluster ignores aws-auth; it is still read (best effort) to tell people mapped only there.
  if (!connection) return unknown('DescribeCluster gave no endpoint or certificate authority');
  return known(gateway.awsAuth(connection), ms, 'reading aws-auth');
}

async function unknown<T>(reason: string): Promise<Known<T>> {
  return { known: false, reason };
}

/** A fact, or why it is unknown: the adapter's error in a few words, or the timeout. */
async function known<T>(promise: Promise<T>, ms: number, what: string): Promise<Known<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Known<T>>((resolve) => {
    const reason = `${what} did not answer within ${ms / 1000} s`;
    timer = setTimeout(() => resolve({ known: false, reason, failure: { kind: 'timeout' } }), ms);
  });
  const answer = promise.then(
    (value): Known<T> => ({ known: true, value }),
    (error: unknown): Known<T> => {
      const adapterError = toAdapterError(error);
      return {
        known: false,
        reason: `${what} failed: ${adapterError.upstream ?? adapterError.code}`,
        failure: factFailure(adapterError),
      };
    },
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const FAILURE_KIND: Partial<Record<AdapterError['code'], FactFailure['kind']>> = {
  aws_unauthenticated: 'credentials_rejected',
  aws_denied: 'denied',
  k8s_unauthorized: 'cluster_unauthorized',
  k8s_forbidden: 'cluster_forbidden',
  timeout: 'timeout',
};

/** The failure as the diagnosis needs it: what kind, which call, the upstream name (never the message). */
function factFailure(error: AdapterError): FactFailure {
  return {
    kind: FAILURE_KIND[error.code] ?? 'error',
    ...(error.operation !== undefined ? { operation: error.operation } : {}),
    ...(error.upstream !== undefined ? { upstream: error.upstream } : {}),
  };
}
