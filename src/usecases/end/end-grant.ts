import { checkAccessEntryChange } from '../../core/aws-auth/safety.ts';
import type { RequestId } from '../../core/ids.ts';
import { endedReply } from '../../core/messages/request-messages.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../../core/plan/access-entries.ts';
import { planRevoke } from '../../core/plan/revoke.ts';
import type { AccessRequest, EndInfo } from '../../core/request/request.ts';
import { type ClusterSettings, findCluster } from '../../core/settings.ts';
import { AdapterError } from '../../shared/errors.ts';
import { creatorOf } from '../apply/cluster-creator.ts';
import type { Deps } from '../ports/deps.ts';
import { postOnce, requestOwner } from '../support/post-once.ts';
import { refreshFinalCards, threadTarget } from '../support/request-conversation.ts';
import { transitionRequest } from '../support/request-lifecycle.ts';
import { settleAll } from '../support/settle-all.ts';
import { removeFromAwsAuth } from './end-aws-auth-grant.ts';
import { endSessionGrant } from './end-session-grant.ts';
import { restoreAccessEntry } from './restore-access-entry.ts';

export type EndResult = { status: AccessRequest['status']; isNoop: boolean };

/** What ending a grant touches: the executors (access entries, aws-auth), the store and the thread. */
export type EndDeps = Pick<
  Deps,
  | 'audit'
  | 'awsAuth'
  | 'clock'
  | 'diagnostics'
  | 'gateways'
  | 'messages'
  | 'notifier'
  | 'queue'
  | 'settings'
  | 'store'
  | 'userGroups'
>;

/**
 * Ends a grant (expiry, "I'm done", a revoke) by removing exactly what it added, never what the principal had
 * before or still holds through another active grant, then reads back to prove it is gone. An access-entry grant
 * with a prior record is given back exactly (restore-access-entry); older records keep the boolean behaviour. Idempotent: ending
 * what already ended is a success. Throws AdapterError when AWS or the cluster did not answer; the job retries.
 */
export async function endGrant(
  deps: EndDeps,
  id: RequestId,
  how: { reason: EndInfo['reason']; by?: string; askedIn?: { channel: string; threadTs?: string } },
): Promise<EndResult> {
  const request = await deps.store.get(id);
  if (!request) return { status: 'failed', isNoop: true };
  if (request.status === 'expired' || request.status === 'revoked') {
    // Ended already, by this job's earlier run (its notice waited for a channel's posting budget, or it died or
    // failed after the end was recorded) or by another path: what follows an end is idempotent, so it is finished
    // here instead of lost. Not for an end so old that the record of what was posted may have lapsed.
    const endedAt = request.ended?.at;
    if (endedAt !== undefined && deps.clock.now() - endedAt < FOLLOW_UP_WINDOW_MS) {
      await finishEnd(deps, request, { ...how, ...(request.ended?.by ? { by: request.ended.by } : {}) });
    }
    return { status: request.status, isNoop: true };
  }
  if (request.status !== 'granted') return { status: request.status, isNoop: true };
  const expiresAt = request.outcome?.expiresAt;
  if (how.reason === 'expired' && expiresAt !== undefined && deps.clock.now() < expiresAt) {
    await deps.queue.enqueueExpiry(request.id, expiresAt);
    return { status: request.status, isNoop: true };
  }
  const cluster = findCluster(deps.settings, request.cluster);
  if (!cluster) throw new AdapterError('aws_not_found', false, { upstream: 'the cluster is no longer configured' });
  const principal = request.outcome?.principalArn ?? request.principalArn;
  const others = await deps.store.activeFor(request.cluster, principal, request.id);
  const prior = request.outcome?.method === 'aws-auth' ? undefined : request.preState?.prior;
  const restore = prior ? await restoreAccessEntry(deps, cluster, request, principal, others, prior) : undefined;
  const evidence = restore
    ? restore.evidence
    : request.outcome?.sessionUsername !== undefined
      ? await endSessionGrant(deps, cluster, request, others)
      : request.outcome?.method === 'aws-auth'
        ? await removeFromAwsAuth(deps, cluster, request, others)
        : await removeAccessEntryGrant(deps, cluster, request, principal, others);
  const leftForPerson = restore?.leftForPerson ?? [];
  const end: EndInfo = {
    reason: how.reason,
    ...(how.by ? { by: how.by } : {}),
    at: deps.clock.now(),
    evidence,
    ...(restore ? { isRestore: true } : {}),
    ...(leftForPerson.length > 0 ? { leftForPerson } : {}),
  };
  // Its audit event (`expired` or `revoked`, with what the end found) is written with the transition. The request
  // read above stands in for the update's first read; if it changed since, the update reads it again.
  const ended = await transitionRequest(deps, request.id, { type: 'ended', at: end.at, end }, {}, request);
  await finishEnd(deps, ended, how);
  return { status: ended.status, isNoop: false };
}

/**
 * How long after an end a re-run job still finishes its follow-ups: far longer than any retry or channel wait,
 * and far shorter than the message log's 30 days, whose claims keep each notice to one post.
 */
const FOLLOW_UP_WINDOW_MS = 24 * 3600_000;

/**
 * What follows a recorded end, each part idempotent, side by side (their Redis commands share round trips and the
 * Slack calls overlap): the active indexes, the cards and Home tabs, the notices. The job retries the lot if any
 * part fails, and a re-run finishes it (above).
 */
async function finishEnd(
  deps: EndDeps,
  ended: AccessRequest,
  how: { by?: string; askedIn?: { channel: string; threadTs?: string } },
): Promise<void> {
  await settleAll([deps.store.markEnded(ended), refreshFinalCards(deps, ended), announceEnd(deps, ended, how)]);
}

/**
 * One notice per place: always in the grant's own thread (its record, where the approvers saw it); also where the
 * end was asked for (`askedIn`: a revoke written in another thread or DM), in place of a separate summary; and in
 * the subject's DM unless they ended it themselves, since then they read the answer where they asked.
 */
async function announceEnd(
  deps: Pick<Deps, 'clock' | 'messages' | 'notifier'>,
  ended: AccessRequest,
  how: { by?: string; askedIn?: { channel: string; threadTs?: string } },
): Promise<void> {
  const notice = endedReply(ended);
  const own = await threadTarget(deps, ended);
  const asked = how.askedIn;
  // Each place has its own message key, so the posts do not wait for one another.
  await settleAll([
    postOnce(deps, requestOwner(ended.id), 'ended', own, notice),
    asked && !(asked.channel === own.channel && asked.threadTs === own.threadTs)
      ? postOnce(deps, requestOwner(ended.id), 'ended-asked', asked, notice)
      : Promise.resolve(),
    how.by === ended.subject
      ? Promise.resolve()
      : deps.notifier
          .openDm(ended.subject)
          .then((dm) => postOnce(deps, requestOwner(ended.id), 'ended-dm', { channel: dm }, notice)),
  ]);
}

async function removeAccessEntryGrant(
  deps: Pick<Deps, 'diagnostics' | 'gateways'>,
  cluster: ClusterSettings,
  request: AccessRequest,
  principal: string,
  others: readonly AccessRequest[],
): Promise<string[]> {
  const entries = deps.gateways.forCluster(cluster).accessEntries;
  const policyArn = request.outcome?.policyArn ?? '';
  const step = planRevoke({
    policyArn,
    hadEntryBefore: request.outcome?.hadEntryBefore ?? true,
    hadPolicyBefore: request.outcome?.hadPolicyBefore ?? false,
    others: others.map((o) => ({ policyArn: o.outcome?.policyArn ?? '', namespaces: o.namespaces })),
  });
  const creator = await creatorOf(deps, cluster);
  switch (step.kind) {
    case 'delete_entry': {
      const entry = await entries.describeAccessEntry(principal);
      // Only an entry eks-access created (for this grant or one it overlapped) is deleted; anything else keeps
      // its entry and loses only the policy.
      if (entry && entry.tags[MANAGED_BY_TAG] !== MANAGED_BY_VALUE) {
        await entries.disassociatePolicy(principal, policyArn);
        break;
      }
      const verdict = checkAccessEntryChange({
        principalArn: principal,
        op: 'delete',
        creator,
        entryPolicyArns: [policyArn],
      });
      if (!verdict.ok) return [`left in place: ${verdict.refusal?.message ?? 'creator-safety'}`];
      await entries.deleteAccessEntry(principal);
      break;
    }
    case 'disassociate': {
      const verdict = checkAccessEntryChange({ principalArn: principal, op: 'disassociate', creator, policyArn });
      if (!verdict.ok) return [`left in place: ${verdict.refusal?.message ?? 'creator-safety'}`];
      await entries.disassociatePolicy(principal, step.policyArn);
      break;
    }
    case 'narrow':
      await entries.associatePolicy(principal, step.policyArn, step.scope);
      break;
    case 'keep':
      return [`nothing removed: ${step.reason}`];
  }
  const after = await entries.describeAccessEntry(principal);
  const policies = after ? await entries.listAssociatedPolicies(principal) : [];
  const still = policies.find((p) => p.policyArn === policyArn);
  return [
    after
      ? `access entry \`${principal}\` kept (${others.length} other active grant(s) or it existed before)`
      : `access entry \`${principal}\` is gone`,
    still
      ? `policy \`${policyArn}\` still associated for other grants (${still.scope.type === 'namespace' ? still.scope.namespaces.join(', ') : 'cluster'} scope)`
      : `policy \`${policyArn}\` is no longer associated`,
  ];
}
