import { asPersonId, asRequestId, type PersonId, type RequestId } from '../../core/ids.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { expiryReminder } from '../../core/messages/reminder-messages.ts';
import { plainReply } from '../../core/messages/request-messages.ts';
import type { Refusal } from '../../core/refusals.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { Deps } from '../ports/deps.ts';
import { submitRequest } from '../submit/submit-request.ts';
import { auditRefusal } from '../support/audit-refusal.ts';
import { postOnce, requestOwner } from '../support/post-once.ts';
import { replyInThread, threadTarget } from '../support/request-conversation.ts';

/**
 * 15 minutes (by default) before a grant ends: a reminder in its thread and the person's DM, with Extend.
 * Nothing is posted for a grant that already ended.
 */
export async function remindBeforeExpiry(
  deps: Pick<Deps, 'clock' | 'messages' | 'notifier' | 'store'>,
  id: RequestId,
): Promise<void> {
  const request = await deps.store.get(id);
  if (request?.status !== 'granted' || request.outcome?.expiresAt === undefined) return;
  const minutes = Math.max(1, Math.round((request.outcome.expiresAt - deps.clock.now()) / 60_000));
  const message = expiryReminder(request, minutes);
  await replyInThread(deps, request, 'reminder', message);
  const dm = await deps.notifier.openDm(request.subject);
  await postOnce(deps, requestOwner(request.id), 'reminder-dm', { channel: dm }, message);
}

/**
 * Extend, only from a grant that is active now (a denied, pending or ended request is refused and nothing is
 * filed): a new request for the same level, namespaces and duration, filed in the original thread. It follows
 * the usual approvals; granted before the old one ends, the overlap counting keeps access without a gap.
 */
export async function extendGrant(
  deps: Deps,
  input: { requestId: RequestId; user: string; channel: string },
): Promise<void> {
  const user = asPersonId(input.user);
  const original = await deps.store.get(input.requestId);
  const refusal = extendRefusal(original, user);
  if (refusal !== undefined || original === undefined) {
    const said = refusal ?? { code: 'unknown_request' };
    await auditRefusal(deps, { actor: user, action: 'extend', refusal: said, requestId: input.requestId });
    await deps.notifier.postEphemeral({ channel: input.channel, user }, plainReply(describeRefusal(said)));
    return;
  }
  const thread = await threadTarget(deps, original);
  const result = await submitRequest(deps, {
    requestId: asRequestId(`${original.id}E`),
    requester: user,
    subject: original.subject,
    clusterGiven: original.cluster,
    level: original.level,
    namespaces: original.namespaces,
    reason: `extension of ${original.id}${original.reason ? `: ${original.reason}` : ''}`,
    ...(original.durationMs ? { durationMs: original.durationMs } : {}),
    conversation: { channel: thread.channel, ...(thread.threadTs ? { threadTs: thread.threadTs } : {}) },
  });
  if (!result.ok) await replyInThread(deps, original, 'extend-refused', result.message);
}

/** Only the person with the access or who asked for it may extend, and only while it is granted. */
function extendRefusal(original: AccessRequest | undefined, user: PersonId): Refusal | undefined {
  if (!original || (original.subject !== user && original.requester !== user)) return { code: 'unknown_request' };
  if (original.status !== 'granted') return { code: 'not_extendable', status: original.status };
  return undefined;
}
