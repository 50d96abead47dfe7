import type { RequestId } from '../../core/ids.ts';
import { statusReply } from '../../core/messages/request-messages.ts';
import { lapsesAt } from '../../core/request/pending-timeout.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import { findCluster } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { refreshCards, replyInThread } from '../support/request-conversation.ts';

/**
 * The pending-timeout job: a request nobody decided lapses, and the thread and the cards say so. A request decided
 * in the meantime is left alone; a job that runs early (clock skew between workers) re-schedules itself.
 */
export async function lapseRequest(
  deps: Pick<Deps, 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'store' | 'userGroups'>,
  id: RequestId,
): Promise<{ status: string }> {
  const result = await deps.store.update(id, (request) =>
    request.status === 'pending' && deps.clock.now() >= dueAt(deps, request)
      ? { event: { type: 'lapse', at: deps.clock.now() } }
      : { keep: true },
  );
  if (!result.ok) return { status: result.request?.status ?? 'unknown' };
  const lapsed = result.request;
  if (!result.hasChanged) {
    if (lapsed.status === 'pending') await deps.queue.enqueueLapse(id, dueAt(deps, lapsed));
    return { status: lapsed.status };
  }
  await refreshCards(deps, lapsed);
  await replyInThread(deps, lapsed, 'decision:lapsed', statusReply(lapsed));
  return { status: lapsed.status };
}

function dueAt(deps: Pick<Deps, 'settings'>, request: AccessRequest): number {
  return lapsesAt(request.createdAt, findCluster(deps.settings, request.cluster)?.pendingTimeout);
}
