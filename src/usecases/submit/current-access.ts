import { accessEntryArn, isParsedArn, parseArn, roleNameToResolve } from '../../core/identity/arn.ts';
import type { AccessScope } from '../../core/plan/access-entries.ts';
import type { CurrentAccessInfo } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { toAdapterError } from '../../shared/errors.ts';
import type { Deps } from '../ports/deps.ts';

/** A look-up that takes longer than this is reported as unknown rather than holding the filing up. */
const LOOKUP_TIMEOUT_MS = 5_000;

/**
 * What the principal already holds on the cluster, for the approval card: the bot's active grants (from the store)
 * and the EKS access entry's associated policies. Gathered by the worker while filing, never on Slack's ack path.
 * When AWS does not answer the entry is `unknown` with the reason; it is never guessed.
 */
export async function currentAccessOf(
  deps: Pick<Deps, 'store' | 'gateways'>,
  cluster: ClusterSettings,
  configuredArn: string,
  options: { viaAwsAuth?: boolean } = {},
): Promise<CurrentAccessInfo> {
  const gateway = deps.gateways.forCluster(cluster);
  let resolved: string | undefined;
  // On an aws-auth cluster access entries are not the method that runs (and CONFIG_MAP clusters refuse the call).
  const entry = options.viaAwsAuth
    ? ({ kind: 'aws-auth' } as const)
    : await withTimeout(async (): Promise<CurrentAccessInfo['entry']> => {
        const arn = await entryArnOf(configuredArn, (name) => gateway.iam.getRoleArn(name));
        resolved = arn;
        if (arn === undefined)
          return { kind: 'unknown', reason: 'the configured principal cannot have an access entry' };
        const found = await gateway.accessEntries.describeAccessEntry(arn);
        if (!found) return { kind: 'none' };
        const policies = await gateway.accessEntries.listAssociatedPolicies(arn);
        return {
          kind: 'present',
          policies: policies.map((p) => ({ policyArn: p.policyArn, scope: scopeText(p.scope), accessScope: p.scope })),
        };
      });
  // Grants are indexed by the ARN EKS was given (the resolved one); Redis errors throw and the job retries.
  const active = await deps.store.activeFor(cluster.name, resolved ?? configuredArn);
  return {
    grants: active.map((g) => ({
      id: g.id,
      level: g.level,
      ...(g.outcome?.expiresAt ? { expiresAt: g.outcome.expiresAt } : {}),
    })),
    entry,
  };
}

/** The IAM ARN EKS keys the entry by; a session ARN is resolved to its role (with the path) through IAM. */
async function entryArnOf(
  configured: string,
  getRoleArn: (name: string) => Promise<string | undefined>,
): Promise<string | undefined> {
  const parsed = parseArn(configured);
  if (!isParsedArn(parsed)) return undefined;
  const direct = accessEntryArn(parsed);
  if (direct) return direct;
  const roleName = roleNameToResolve(parsed);
  return roleName ? await getRoleArn(roleName) : undefined;
}

function scopeText(scope: AccessScope): string {
  return scope.type === 'cluster' ? 'whole cluster' : `namespaces ${scope.namespaces.join(', ')}`;
}

async function withTimeout(lookup: () => Promise<CurrentAccessInfo['entry']>): Promise<CurrentAccessInfo['entry']> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CurrentAccessInfo['entry']>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'unknown', reason: 'AWS did not answer in time' }), LOOKUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      lookup().catch((error: unknown) => {
        const adapterError = toAdapterError(error);
        return { kind: 'unknown' as const, reason: `AWS said ${adapterError.upstream ?? adapterError.code}` };
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
