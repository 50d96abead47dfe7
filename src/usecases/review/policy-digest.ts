import type { PersonId } from '../../core/ids.ts';
import { policyApprovalDigest } from '../../core/messages/digest-messages.ts';
import { peopleIn } from '../../core/request/approval.ts';
import { type AccessRequest, kindOf } from '../../core/request/request.ts';
import { approvalPolicyOf, findCluster } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { postOnce } from '../support/post-once.ts';
import { membersOf } from './approval-policy.ts';

export const DEFAULT_DIGEST_WINDOW_MS = 30_000;
/** The digest job runs this long after its window ends, so an item added at the window's last moment is in it. */
const DIGEST_GRACE_MS = 1_000;

/**
 * A request approved by policy is announced to its approvers (the approval channel, or each approver's DM) in that
 * channel's digest for the current window rather than as a card of its own. Safe to re-run.
 */
export async function noteInDigest(
  deps: Pick<Deps, 'clock' | 'digests' | 'notifier' | 'queue' | 'settings' | 'tuning' | 'userGroups'>,
  request: AccessRequest,
): Promise<void> {
  const cluster = findCluster(deps.settings, request.cluster);
  if (!cluster) return;
  const windowMs = deps.tuning.digestWindowMs ?? DEFAULT_DIGEST_WINDOW_MS;
  const at = request.autoApproval?.at ?? deps.clock.now();
  const window = Math.floor(deps.clock.now() / windowMs);
  const item = {
    requestId: request.id,
    requester: request.requester,
    subject: request.subject,
    cluster: request.cluster,
    level: request.level,
    durationMs: request.durationMs ?? 0,
    at,
  };
  const channels: string[] = [];
  if (cluster.approvalChannel) channels.push(cluster.approvalChannel);
  else {
    const approvers = approvalPolicyOf(cluster, kindOf(request), request.level).approvers;
    for (const approver of peopleIn(approvers, await membersOf(deps, approvers))) {
      channels.push(await deps.notifier.openDm(approver as PersonId));
    }
  }
  for (const channel of channels) {
    if (await deps.digests.add(channel, window, item)) {
      await deps.queue.enqueueDigest(channel, window, (window + 1) * windowMs + DIGEST_GRACE_MS);
    }
  }
}

/** The digest job: one post for the window's items (once per window, whatever retries happen). */
export async function postDigest(
  deps: Pick<Deps, 'clock' | 'digests' | 'messages' | 'notifier' | 'tuning'>,
  channel: string,
  window: number,
): Promise<{ items: number }> {
  const items = await deps.digests.read(channel, window);
  if (items.length === 0) return { items: 0 };
  const windowMs = deps.tuning.digestWindowMs ?? DEFAULT_DIGEST_WINDOW_MS;
  await postOnce(deps, `digest:${channel}:${window}`, 'post', { channel }, policyApprovalDigest(items, windowMs));
  return { items: items.length };
}
