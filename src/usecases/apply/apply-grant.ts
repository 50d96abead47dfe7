import { checkAccessEntryChange } from '../../core/aws-auth/safety.ts';
import { accessEntryArn, isParsedArn, parseArn, roleNameToResolve } from '../../core/identity/arn.ts';
import { asPrincipalArn, type RequestId } from '../../core/ids.ts';
import { accessPolicyArn } from '../../core/levels.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { slowGrantNote } from '../../core/messages/request-messages.ts';
import {
  type AccessScope,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  ownershipTags,
  scopeCovers,
  wantedScope,
} from '../../core/plan/access-entries.ts';
import { planGrant } from '../../core/plan/entry-delta.ts';
import { type EntryFacts, type EntryState, entryStateOf, priorFor } from '../../core/plan/entry-state.ts';
import type { AccessRequest, FailureInfo, PreState } from '../../core/request/request.ts';
import { kindOf } from '../../core/request/request.ts';
import { findCluster, partitionOfCluster } from '../../core/settings.ts';
import { AdapterError, DeferredError } from '../../shared/errors.ts';
import { reportRecovery } from '../migrate/report-recovery.ts';
import type { Deps } from '../ports/deps.ts';
import type { AccessEntries, AccessEntryInfo } from '../ports/eks.ts';
import { describeAdapterFailure } from '../support/describe-failure.ts';
import { replyInThread } from '../support/request-conversation.ts';
import {
  type ApplyResult,
  advance,
  advanceFrom,
  announceOutcome,
  fail,
  failUnlessApprovalsHold,
  failure,
  recordGrant,
} from '../support/request-lifecycle.ts';
import { creatorOf } from './cluster-creator.ts';
import { entryPrecedenceCheck } from './entry-precedence.ts';

export type { ApplyResult } from '../support/request-lifecycle.ts';

import { switchToApiAndConfigMap } from '../migrate/switch-mode.ts';

/**
 * Executes an approved request with EKS access entries. Re-runnable at any point: a worker killed
 * half-way resumes from the stored request, `clientRequestToken` and the ownership tag make the
 * create idempotent, and AssociateAccessPolicy is an upsert.
 * Throws AdapterError when a retry may help; the queue decides when to give up (`finalAttempt`).
 */
export async function applyGrant(deps: Deps, requestId: RequestId, finalAttempt = false): Promise<ApplyResult> {
  const request = await deps.store.get(requestId);
  if (!request) return { status: 'failed' };
  if (request.status === 'granted' || request.status === 'failed' || request.status === 'denied') {
    await announceOutcome(deps, request);
    return { status: request.status };
  }
  if (request.status === 'pending') return { status: 'pending' };
  try {
    return await execute(deps, request);
  } catch (error) {
    if (error instanceof DeferredError) throw error; // a post waiting for Slack's budget; the grant did not fail
    if (error instanceof AdapterError && error.retryable && !finalAttempt) {
      await noteIfSlow(deps, request, error);
      throw error;
    }
    const failure = describeAdapterFailure(error, request.cluster, deps.clock.now());
    return { status: (await fail(deps, request.id, failure)).status };
  }
}

async function execute(deps: Deps, loaded: AccessRequest): Promise<ApplyResult> {
  const cluster = findCluster(deps.settings, loaded.cluster);
  if (!cluster) return fail(deps, loaded.id, failure('unknown_cluster', 'the cluster is no longer configured', deps));
  const refused = await failUnlessApprovalsHold(deps, loaded, cluster);
  if (refused) return refused;
  const gateway = deps.gateways.forCluster(cluster);
  const entries = gateway.accessEntries;
  const calls: string[] = [];

  const principal = await resolvePrincipal(deps, loaded, gateway.iam.getRoleArn.bind(gateway.iam), calls);
  if ('failure' in principal) return fail(deps, loaded.id, principal.failure);

  const mode = await authenticationModeOf(entries, loaded, calls);
  let started = loaded;
  if (mode === 'CONFIG_MAP' || loaded.modeUpdate) {
    if (kindOf(loaded) !== 'recover') {
      const text = describeRefusal({ code: 'wrong_authentication_mode', cluster: loaded.cluster, mode });
      return fail(deps, loaded.id, failure('wrong_authentication_mode', text, deps));
    }
    // Recovery: access entries need only the AWS API, so they are the way back in; switch the mode first.
    // A CONFIG_MAP cluster has no entries, so nothing pre-existed.
    started = await advanceFrom(deps, loaded, {
      hadEntryBefore: false,
      hadPolicyBefore: false,
      prior: { policies: [], at: deps.clock.now() },
    });
    started = await switchToApiAndConfigMap(deps, started, entries, calls);
  }

  const policyArn = accessPolicyArn(loaded.level, partitionOfCluster(cluster));
  const wanted = wantedScope(loaded.namespaces);
  const creator = await creatorOf(deps, cluster);
  const safety = checkAccessEntryChange({ principalArn: principal.arn, op: 'associate', creator, policyArn });
  if (!safety.ok) {
    await deps.audit.append({
      type: 'refused',
      at: deps.clock.now(),
      actor: 'eks-access',
      requestId: loaded.id,
      cluster: loaded.cluster,
      detail: { code: safety.refusal?.code ?? 'creator_protected', message: safety.refusal?.message ?? '' },
    });
    const message = `creator-safety check refused the change: ${safety.refusal?.message ?? 'the cluster creator is protected'}. The creator already has admin access; use the identity that created the cluster.`;
    return fail(deps, loaded.id, failure(safety.refusal?.code ?? 'creator_protected', message, deps));
  }
  const marked = await markApplying(deps, started, entries, principal.arn, policyArn, calls);
  const request = marked.request;
  const preState = request.preState ?? { hadEntryBefore: false, hadPolicyBefore: false };
  await deps.audit.append({
    type: 'applying',
    at: deps.clock.now(),
    actor: 'eks-access',
    requestId: request.id,
    cluster: request.cluster,
    detail: {
      principalArn: principal.arn,
      policyArn,
      scope: JSON.stringify(wanted),
      // What the end will give back, in the audit trail too (ARNs, policy names and scopes: nothing secret).
      ...(preState.prior ? { prior: JSON.stringify(preState.prior) } : {}),
    },
  });

  // The entry markApplying read a moment ago in this run is current enough; a resumed run reads it again.
  let state = marked.readNow ? marked.state : undefined;
  if (!state) {
    state = await readEntryState(entries, principal.arn, calls);
  }
  if (state.entry && state.entry.type !== 'STANDARD') {
    const message = `the principal already has a ${state.entry.type} access entry (a node or Fargate entry); eks-access never changes those`;
    return fail(deps, request.id, failure('non_standard_entry', message, deps));
  }
  if (!state.entry) {
    // Issue 16: on API_AND_CONFIG_MAP the entry would override the principal's aws-auth mapping.
    const precedence =
      mode === 'API_AND_CONFIG_MAP' && kindOf(request) !== 'recover'
        ? await entryPrecedenceCheck(deps, cluster, request, principal.arn)
        : { carry: {} };
    if ('failure' in precedence) return fail(deps, request.id, precedence.failure);
    state = await createEntry(request, entries, principal.arn, calls, precedence.carry);
  }
  for (const step of planGrant(state, { policyArn, scope: wanted })) {
    if (step.op !== 'associate') continue; // the entry exists by now: planGrant only associates
    await entries.associatePolicy(principal.arn, step.policyArn, step.scope);
    calls.push(`eks:AssociateAccessPolicy ${step.policyArn}`);
  }

  const evidence = await verify(entries, principal.arn, policyArn, wanted, state.entry?.type ?? 'STANDARD');
  calls.push('eks:ListAssociatedAccessPolicies');
  if (!evidence.ok) {
    throw new AdapterError('aws_unavailable', true, { upstream: 'read-back did not show the grant yet' });
  }
  const granted = await recordGrant(
    deps,
    request,
    {
      principalArn: asPrincipalArn(principal.arn),
      policyArn,
      hadEntryBefore: preState.hadEntryBefore,
      hadPolicyBefore: preState.hadPolicyBefore,
      method: 'access-entries',
    },
    {
      principalArn: principal.arn,
      policyArn,
      calls: calls.join('; '),
      hadEntryBefore: String(preState.hadEntryBefore),
    },
  );
  await announceOutcome(deps, granted, evidence.lines);
  if (kindOf(granted) === 'recover') await reportRecovery(deps, cluster, granted, calls);
  return { status: granted.status };
}

const DEFAULT_SLOW_NOTICE_MS = 30_000;

/** One "still working" note in the thread once a grant being retried runs past the threshold since its approval. */
async function noteIfSlow(deps: Deps, request: AccessRequest, error: AdapterError): Promise<void> {
  const approvedAt = request.approvals.at(-1)?.at ?? request.updatedAt;
  if (deps.clock.now() - approvedAt < (deps.tuning.slowNoticeAfterMs ?? DEFAULT_SLOW_NOTICE_MS)) return;
  const cause = error.code === 'aws_throttled' ? 'throttled' : 'unavailable';
  try {
    await replyInThread(deps, request, 'slow', slowGrantNote(request, cause));
  } catch {
    // The note is a courtesy: a Slack failure here must not change how the grant itself is retried.
  }
}

/** EKS never accepts a session ARN: an assumed-role ARN is turned into its role's IAM ARN (path included). */
async function resolvePrincipal(
  deps: Deps,
  request: AccessRequest,
  getRoleArn: (roleName: string) => Promise<string | undefined>,
  calls: string[],
): Promise<{ arn: string } | { failure: FailureInfo }> {
  const parsed = parseArn(request.principalArn);
  if (!isParsedArn(parsed)) {
    return {
      failure: failure(
        'invalid_principal',
        describeRefusal({ code: 'invalid_principal', reason: parsed.reason }),
        deps,
      ),
    };
  }
  const direct = accessEntryArn(parsed);
  if (direct) return { arn: direct };
  const roleName = roleNameToResolve(parsed);
  if (!roleName) {
    const reason = `${parsed.kind} principals cannot have access entries; map this person to an IAM role or user`;
    return { failure: failure('invalid_principal', describeRefusal({ code: 'invalid_principal', reason }), deps) };
  }
  const arn = await getRoleArn(roleName);
  calls.push(`iam:GetRole ${roleName}`);
  if (!arn) {
    const reason = `IAM has no role named ${roleName} (from the session ARN ${request.principalArn})`;
    return { failure: failure('invalid_principal', describeRefusal({ code: 'invalid_principal', reason }), deps) };
  }
  return { arn };
}

/**
 * Reads the grant back. EKS lists an access entry's associated policies only while the entry exists (no entry:
 * ResourceNotFoundException), so the policy in the list proves both the entry and the association.
 */
async function verify(
  entries: AccessEntries,
  principalArn: string,
  policyArn: string,
  wanted: AccessScope,
  entryType: string,
): Promise<{ ok: boolean; lines: string[] }> {
  const policies = await entries.listAssociatedPolicies(principalArn).catch((error: unknown) => {
    if (error instanceof AdapterError && error.code === 'aws_not_found') return [];
    throw error;
  });
  const association = policies.find((p) => p.policyArn === policyArn);
  const ok = association !== undefined && scopeCovers(association.scope, wanted);
  const scopeText =
    association?.scope.type === 'namespace' ? `namespaces ${association.scope.namespaces.join(', ')}` : 'cluster scope';
  return {
    ok,
    lines: [
      `access entry \`${principalArn}\` (${association ? entryType : 'missing'})`,
      `policy \`${policyArn}\` associated, ${scopeText}`,
    ],
  };
}

/**
 * The one point where eks-access creates an access entry (tagged as its own; `clientRequestToken` makes a retry
 * return the same entry). A 409 for an entry made in between by someone else returns that entry: its policies are
 * read again so the associate step merges over them.
 */
async function createEntry(
  request: AccessRequest,
  entries: AccessEntries,
  principalArn: string,
  calls: string[],
  /** The aws-auth mapping's username and groups the entry keeps (precedence on API_AND_CONFIG_MAP). */
  carry: { username?: string; kubernetesGroups?: readonly string[] },
): Promise<EntryState> {
  const created = await entries.createAccessEntry({
    principalArn,
    clientRequestToken: request.id,
    tags: ownershipTags(request.id),
    ...carry,
  });
  calls.push('eks:CreateAccessEntry');
  // An entry this call just created has no policies yet: nothing to list.
  if (created.created) return entryStateOf(entryFacts(created.entry), []);
  return readEntryState(entries, principalArn, calls);
}

/** The principal's entry and its policies now (a node or Fargate entry's policies are not read: it is refused). */
async function readEntryState(entries: AccessEntries, principalArn: string, calls: string[]): Promise<EntryState> {
  const entry = await entries.describeAccessEntry(principalArn);
  calls.push('eks:DescribeAccessEntry');
  if (entry?.type !== 'STANDARD') return entryStateOf(entry && entryFacts(entry), []);
  const policies = await entries.listAssociatedPolicies(principalArn);
  calls.push('eks:ListAssociatedAccessPolicies');
  return entryStateOf(entryFacts(entry), policies);
}

/**
 * Records what the principal had before the first change, together with the move to `applying`, and returns the
 * state it read so the caller need not read it again. It reads before it creates: a run killed after a create and
 * before the store write would otherwise send CreateAccessEntry again on its retry. A request already applying is
 * returned as it is (`readNow` false). The exact prior record is the oldest active grant's when another eks-access
 * grant is active on the principal, so what the bot added is never taken for "before".
 */
async function markApplying(
  deps: Deps,
  request: AccessRequest,
  entries: AccessEntries,
  principalArn: string,
  policyArn: string,
  calls: string[],
): Promise<{ request: AccessRequest; readNow: true; state: EntryState } | { request: AccessRequest; readNow: false }> {
  if (request.status === 'applying') return { request, readNow: false };
  const state = await readEntryState(entries, principalArn, calls);
  const active = (await deps.store.activeFor(request.cluster, principalArn)).filter(
    (o) => o.id !== request.id && o.outcome?.method !== 'aws-auth',
  );
  // The booleans keep their old meaning for requests and readers that predate the prior record.
  const hadEntryBefore = state.entry !== undefined && !state.entry.isBotTagged;
  const hadPolicyBefore =
    state.policies.some((p) => p.policyArn === policyArn) && !active.some((o) => o.outcome?.policyArn === policyArn);
  const prior = priorFor(
    state,
    deps.clock.now(),
    active.map((o) => ({ id: o.id, prior: o.preState?.prior })),
  );
  const preState: PreState = { hadEntryBefore, hadPolicyBefore, ...(prior ? { prior } : {}) };
  const applying = await advance(deps, request.id, { type: 'start_apply', at: deps.clock.now(), preState });
  return { request: applying, readNow: true, state };
}

function entryFacts(entry: AccessEntryInfo): EntryFacts {
  return {
    type: entry.type,
    kubernetesGroups: entry.kubernetesGroups,
    isBotTagged: entry.tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE,
    ...(entry.username !== undefined ? { username: entry.username } : {}),
  };
}

/**
 * How old a DescribeCluster answer a grant may act on. Modes only move forward (CONFIG_MAP → API_AND_CONFIG_MAP →
 * API), so a cached mode that allows access entries is still right; a cached CONFIG_MAP is asked again below.
 */
const CLUSTER_INFO_MAX_AGE_MS = 10_000;

async function authenticationModeOf(entries: AccessEntries, request: AccessRequest, calls: string[]): Promise<string> {
  const cached = await entries.describeCluster({ maxAgeMs: CLUSTER_INFO_MAX_AGE_MS });
  const cachedMode = cached.authenticationMode ?? 'CONFIG_MAP';
  if (cachedMode !== 'CONFIG_MAP' && !request.modeUpdate) return cachedMode;
  const fresh = await entries.describeCluster();
  calls.push(`eks:DescribeCluster ${request.cluster}`);
  return fresh.authenticationMode ?? 'CONFIG_MAP';
}
