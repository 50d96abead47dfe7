import { asPrincipalArn } from '../../core/ids.ts';
import { accessPolicyArn } from '../../core/levels.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { nonStandardEntry } from '../../core/messages/grant-texts.ts';
import { type AccessScope, wantedScope } from '../../core/plan/access-entries.ts';
import { planGrant } from '../../core/plan/entry-delta.ts';
import type { EntryState } from '../../core/plan/entry-state.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import { type ClusterSettings, partitionOfCluster } from '../../core/settings.ts';
import { AdapterError } from '../../shared/errors.ts';
import type { AccessEntries } from '../ports/eks.ts';
import { recordAudit } from '../support/record-audit.ts';
import { type ApplyResult, announceOutcome, fail, failure, recordGrant } from '../support/request-lifecycle.ts';
import { createEntry, createFirst, markApplying, readEntryState } from './access-entry-state.ts';
import { authenticationModeOf, takesAccessEntries } from './authentication-mode.ts';
import { refuseIfCreator } from './creator-safety.ts';
import { entryPrecedenceCheck } from './entry-precedence.ts';
import type { FlowDeps } from './flow-deps.ts';
import { resolvePrincipal } from './resolve-principal.ts';
import { verifyAccessEntry } from './verify-access-entry.ts';

export type AccessEntryDeps = FlowDeps<'gateways' | 'diagnostics' | 'awsAuth' | 'store' | 'audit' | 'clock'>;

/**
 * An approved grant through EKS access entries, for a request `applyRequest` loaded and checked. Re-runnable at any
 * point: a worker killed half-way resumes from the stored request, `clientRequestToken` and the ownership tag make
 * the create idempotent, and AssociateAccessPolicy is an upsert. Throws AdapterError when a retry may help.
 */
export async function grantAccessEntry(
  deps: AccessEntryDeps,
  request: AccessRequest,
  cluster: ClusterSettings,
): Promise<ApplyResult> {
  const gateway = deps.gateways.forCluster(cluster);
  const calls: string[] = [];
  const principal = await resolvePrincipal(deps, request, gateway.iam, calls);
  if ('failure' in principal) return fail(deps, request.id, principal.failure);
  const mode = await authenticationModeOf(gateway.accessEntries, request, calls);
  if (!takesAccessEntries(mode, request)) {
    const text = describeRefusal({ code: 'wrong_authentication_mode', cluster: request.cluster, mode });
    return fail(deps, request.id, failure('wrong_authentication_mode', text, deps));
  }
  const target = { principalArn: principal.arn, entries: gateway.accessEntries, calls };
  // Issue 16: on API_AND_CONFIG_MAP the new entry would override the principal's aws-auth mapping.
  const checks = { awsAuthPrecedence: mode === 'API_AND_CONFIG_MAP' };
  const written = await writeAccessEntryGrant(deps, request, cluster, target, checks);
  return 'granted' in written ? { status: written.granted.status } : written.stopped;
}

/** A resolved principal on a cluster that takes access entries, and the log of calls made for it so far. */
export interface EntryTarget {
  principalArn: string;
  entries: AccessEntries;
  calls: string[];
}

/**
 * The writes of an access-entry grant, shared with the lock-out recovery: the creator-safety check, the prior
 * state with the move to `applying`, the entry (after the aws-auth precedence check when asked for), the
 * policy, the read-back, the record and the announcement. A refusal fails the request and stops.
 */
export async function writeAccessEntryGrant(
  deps: AccessEntryDeps,
  started: AccessRequest,
  cluster: ClusterSettings,
  { principalArn, entries, calls }: EntryTarget,
  checks: { awsAuthPrecedence: boolean },
): Promise<{ granted: AccessRequest } | { stopped: ApplyResult }> {
  const policyArn = accessPolicyArn(started.level, partitionOfCluster(cluster));
  const wanted = wantedScope(started.namespaces);
  const refused = await refuseIfCreator(deps, started, cluster, principalArn, policyArn);
  if (refused) return { stopped: await fail(deps, started.id, refused) };

  const begun = await beginGrant(deps, started, cluster, { principalArn, entries, calls }, checks, policyArn);
  if ('stopped' in begun) return begun;
  const { request } = begun;
  const state = begun.state;
  for (const step of planGrant(state, { policyArn, scope: wanted })) {
    if (step.op !== 'associate') continue; // the entry exists by now: planGrant only associates
    await entries.associatePolicy(principalArn, step.policyArn, step.scope);
    calls.push(`eks:AssociateAccessPolicy ${step.policyArn}`);
  }

  const evidence = await verifyAccessEntry(entries, principalArn, policyArn, wanted, state.entry?.type ?? 'STANDARD');
  calls.push('eks:ListAssociatedAccessPolicies');
  if (!evidence.ok) {
    throw new AdapterError('aws_unavailable', true, { upstream: 'read-back did not show the grant yet' });
  }
  const preState = request.preState ?? { hadEntryBefore: false, hadPolicyBefore: false };
  const granted = await recordGrant(
    deps,
    request,
    {
      principalArn: asPrincipalArn(principalArn),
      policyArn,
      hadEntryBefore: preState.hadEntryBefore,
      hadPolicyBefore: preState.hadPolicyBefore,
      method: 'access-entries',
    },
    { principalArn, policyArn, calls: calls.join('; '), hadEntryBefore: String(preState.hadEntryBefore) },
  );
  await announceOutcome(deps, granted, evidence.lines);
  return { granted };
}

/**
 * Everything before the policy: the pre-state with the move to `applying`, and the entry. Without an aws-auth
 * precedence check a fresh grant creates first (three calls in all: create, associate, read back); a resumed
 * grant, or one that must check aws-auth before an entry exists, reads first.
 */
async function beginGrant(
  deps: AccessEntryDeps,
  started: AccessRequest,
  cluster: ClusterSettings,
  { principalArn, entries, calls }: EntryTarget,
  checks: { awsAuthPrecedence: boolean },
  policyArn: string,
): Promise<{ request: AccessRequest; state: EntryState } | { stopped: ApplyResult }> {
  const wanted = wantedScope(started.namespaces);
  if (started.status !== 'applying' && !checks.awsAuthPrecedence) {
    const first = await createFirst(deps, started, entries, principalArn, policyArn, calls);
    await auditApplying(deps, first.request, principalArn, policyArn, wanted);
    return refuseNonStandard(deps, first);
  }
  const marked = await markApplying(deps, started, entries, principalArn, policyArn, calls);
  const request = marked.request;
  await auditApplying(deps, request, principalArn, policyArn, wanted);
  // The entry markApplying read a moment ago in this run is current enough; a resumed run reads it again.
  let state = marked.readNow ? marked.state : await readEntryState(entries, principalArn, calls);
  if (!state.entry) {
    const precedence = checks.awsAuthPrecedence
      ? await entryPrecedenceCheck(deps, cluster, request, principalArn)
      : { carry: {} };
    if ('failure' in precedence) return { stopped: await fail(deps, request.id, precedence.failure) };
    state = await createEntry(request, entries, principalArn, calls, precedence.carry);
  }
  return refuseNonStandard(deps, { request, state });
}

/** A node or Fargate entry on the principal: never given a policy by a grant. */
async function refuseNonStandard(
  deps: AccessEntryDeps,
  begun: { request: AccessRequest; state: EntryState },
): Promise<{ request: AccessRequest; state: EntryState } | { stopped: ApplyResult }> {
  const type = begun.state.entry?.type;
  if (type === undefined || type === 'STANDARD') return begun;
  return { stopped: await fail(deps, begun.request.id, failure('non_standard_entry', nonStandardEntry(type), deps)) };
}

/** The `applying` audit event: what is about to be written, and what the end will give back. */
async function auditApplying(
  deps: Pick<AccessEntryDeps, 'audit' | 'clock'>,
  request: AccessRequest,
  principalArn: string,
  policyArn: string,
  wanted: AccessScope,
): Promise<void> {
  const prior = request.preState?.prior;
  await recordAudit(deps, {
    type: 'applying',
    actor: 'eks-access',
    requestId: request.id,
    cluster: request.cluster,
    detail: {
      principalArn,
      policyArn,
      scope: JSON.stringify(wanted),
      // ARNs, policy names and scopes: nothing secret.
      ...(prior ? { prior: JSON.stringify(prior) } : {}),
    },
  });
}
