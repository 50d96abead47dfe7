import type { RequestId } from '../../core/ids.ts';
import { statusReply } from '../../core/messages/request-messages.ts';
import { lapsesAt } from '../../core/request/pending-timeout.ts';
import { findCluster } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { refreshCards, replyInThread } from '../support/request-conversation.ts';
import { transitionStored } from '../support/transition-stored.ts';

/**
 * The pending-timeout job: a request nobody decided lapses, and the thread and the cards say so. A request decided
 * in the meantime is left alone; a job that runs early (clock skew between workers) re-schedules itself.
 */
export async function lapseRequest(deps: Deps, id: RequestId): Promise<{ status: string }> {
  const request = await deps.store.get(id);
  if (!request) return { status: 'unknown' };
  if (request.status !== 'pending') return { status: request.status };
  const cluster = findCluster(deps.settings, request.cluster);
  const due = lapsesAt(request.createdAt, cluster?.pendingTimeout);
  if (deps.clock.now() < due) {
    await deps.queue.enqueueLapse(id, due);
    return { status: request.status };
  }
  const result = await transitionStored(deps, id, { type: 'lapse', at: deps.clock.now() });
  if (!result.ok) return { status: result.request?.status ?? 'unknown' };
  const lapsed = result.next;
  await deps.audit.append({
    type: 'lapsed',
    at: lapsed.updatedAt,
    actor: 'eks-access',
    requestId: lapsed.id,
    cluster: lapsed.cluster,
    detail: { pendingSinceMs: String(lapsed.updatedAt - lapsed.createdAt) },
  });
  await refreshCards(deps, lapsed);
  await replyInThread(deps, lapsed, 'decision:lapsed', statusReply(lapsed));
  return { status: lapsed.status };
}
