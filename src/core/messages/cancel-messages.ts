import type { Message } from './message.ts';
import { plainReply } from './request-messages.ts';
import { cluster, code, join, rich } from './rich.ts';

/** "cancel X": the pending requests cancelled there (none: all were decided in the meantime). */
export function cancelledReply(requestIds: readonly string[], clusterName: string): Message {
  if (requestIds.length === 0) return plainReply('Nothing was cancelled: the request was decided in the meantime.');
  return plainReply(
    rich`Cancelled ${join(requestIds.map(code), ', ')} on ${cluster(clusterName)}; approvers can no longer act on it.`,
  );
}

/** A bare "cancel" with nothing pending. */
export function nothingPendingReply(): Message {
  return plainReply(
    rich`You have no pending request; nothing was cancelled. To end access you already have, say ${code('revoke')} or ${code("I'm done")}.`,
  );
}

/** A bare "cancel" with several pending requests: asks which, never guesses. */
export function whichPendingReply(count: number, clusterNames: readonly string[]): Message {
  return plainReply(
    rich`You have ${count} pending requests (on ${join(clusterNames.map(cluster), ', ')}). Which one? Say ${code('cancel <cluster>')}.`,
  );
}
