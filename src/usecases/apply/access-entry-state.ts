import { isCreatedByRequest, MANAGED_BY_TAG, MANAGED_BY_VALUE, ownershipTags } from '../../core/plan/access-entries.ts';
import { type EntryFacts, type EntryState, entryStateOf, priorFor } from '../../core/plan/entry-state.ts';
import type { AccessRequest, PreState } from '../../core/request/request.ts';
import type { Deps } from '../ports/deps.ts';
import type { AccessEntries, AccessEntryInfo } from '../ports/eks.ts';
import { advance } from '../support/request-lifecycle.ts';
import type { LifecycleDeps } from './flow-deps.ts';

/** The principal's entry and its policies now (a node or Fargate entry's policies are not read: it is refused). */
export async function readEntryState(
  entries: AccessEntries,
  principalArn: string,
  calls: string[],
): Promise<EntryState> {
  const entry = await entries.describeAccessEntry(principalArn);
  calls.push('eks:DescribeAccessEntry');
  if (entry?.type !== 'STANDARD') return entryStateOf(entry && entryFacts(entry), []);
  const policies = await entries.listAssociatedPolicies(principalArn);
  calls.push('eks:ListAssociatedAccessPolicies');
  return entryStateOf(entryFacts(entry), policies);
}

/**
 * The one point where eks-access creates an access entry (tagged as its own; `clientRequestToken` makes a retry
 * return the same entry). A 409 for an entry made in between by someone else returns that entry: its policies are
 * read again so the associate step merges over them.
 */
export async function createEntry(
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

/**
 * The create-first start of a grant (no aws-auth precedence to check): CreateAccessEntry with the request id as
 * `clientRequestToken`, and a read only when EKS answers that an entry exists. A run killed after the create and
 * before the store write sends the same token again and gets the same entry back (EKS and the fake both honour
 * it), so idempotency costs no call. An existing entry this request created (its tag names the request) counts as
 * "no entry before": nothing was associated with it, since associations come only after the store write.
 */
export async function createFirst(
  deps: Pick<Deps, 'store' | 'clock'> & LifecycleDeps,
  request: AccessRequest,
  entries: AccessEntries,
  principalArn: string,
  policyArn: string,
  calls: string[],
): Promise<{ request: AccessRequest; state: EntryState }> {
  const created = await entries.createAccessEntry({
    principalArn,
    clientRequestToken: request.id,
    tags: ownershipTags(request.id),
  });
  calls.push('eks:CreateAccessEntry');
  if (created.created || isCreatedByRequest(created.entry.tags, request.id)) {
    const state = entryStateOf(entryFacts(created.entry), []);
    const applying = await recordPreState(deps, request, { policies: [] }, principalArn, policyArn);
    return { request: applying, state };
  }
  // The adapter described the existing entry on the 409; only its policies are left to read.
  calls.push('eks:DescribeAccessEntry');
  const policies = created.entry.type === 'STANDARD' ? await entries.listAssociatedPolicies(principalArn) : [];
  if (created.entry.type === 'STANDARD') calls.push('eks:ListAssociatedAccessPolicies');
  const state = entryStateOf(entryFacts(created.entry), policies);
  return { request: await recordPreState(deps, request, state, principalArn, policyArn), state };
}

/**
 * Records what the principal had before the first change, together with the move to `applying`, and returns the
 * state it read so the caller need not read it again. It reads before it creates (used where the aws-auth
 * precedence check must know whether an entry exists first). A request already applying is returned as it is
 * (`readNow` false).
 */
export async function markApplying(
  deps: Pick<Deps, 'store' | 'clock'> & LifecycleDeps,
  request: AccessRequest,
  entries: AccessEntries,
  principalArn: string,
  policyArn: string,
  calls: string[],
): Promise<{ request: AccessRequest; readNow: true; state: EntryState } | { request: AccessRequest; readNow: false }> {
  if (request.status === 'applying') return { request, readNow: false };
  const state = await readEntryState(entries, principalArn, calls);
  return { request: await recordPreState(deps, request, state, principalArn, policyArn), readNow: true, state };
}

/**
 * The move to `applying` with the pre-state. The exact prior record is the oldest active grant's when another
 * eks-access grant is active on the principal, so what the bot added is never taken for "before".
 */
async function recordPreState(
  deps: Pick<Deps, 'store' | 'clock'> & LifecycleDeps,
  request: AccessRequest,
  state: EntryState,
  principalArn: string,
  policyArn: string,
): Promise<AccessRequest> {
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
  return advance(deps, request.id, { type: 'start_apply', at: deps.clock.now(), preState });
}

function entryFacts(entry: AccessEntryInfo): EntryFacts {
  return {
    type: entry.type,
    kubernetesGroups: entry.kubernetesGroups,
    isBotTagged: entry.tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE,
    ...(entry.username !== undefined ? { username: entry.username } : {}),
  };
}
