import { asRequestId, asSlackUserId, type RequestId } from '../core/ids.ts';
import { describeRefusal } from '../core/messages/describe-refusal.ts';
import { extendButton, plainReply } from '../core/messages/request-messages.ts';
import type { Deps } from './ports.ts';
import { postOnce, requestOwner } from './post-once.ts';
import { replyInThread, threadTarget } from './request-conversation.ts';
import { submitRequest } from './submit-request.ts';

/**
 * 15 minutes (by default) before a grant ends: a reminder in its thread and the person's DM, with Extend.
 * Nothing is posted for a grant that already ended.
 */
export async function remindBeforeExpiry(deps: Deps, id: RequestId): Promise<void> {
  const request = await deps.store.get(id);
  if (request?.status !== 'granted' || request.outcome?.expiresAt === undefined) return;
  const minutes = Math.max(1, Math.round((request.outcome.expiresAt - deps.clock.now()) / 60_000));
  const text = `:alarm_clock: <@${request.subject}>'s ${request.level} access to \`${request.cluster}\` ends in about ${minutes} min. Extend asks for the same access again, under the same approval rules.`;
  const message = { text, parts: [{ kind: 'text' as const, text }, extendButton(request)], requestId: request.id };
  await replyInThread(deps, request, 'reminder', message);
  const dm = await deps.notifier.openDm(request.subject);
  await postOnce(deps, requestOwner(request.id), 'reminder-dm', { channel: dm }, message);
}

/**
 * Extend: a new request for the same level, namespaces and duration, filed in the original thread. It follows
 * the usual approvals; granted before the old one ends, the overlap counting keeps access without a gap.
 */
export async function extendGrant(
  deps: Deps,
  input: { requestId: RequestId; user: string; channel: string },
): Promise<void> {
  const user = asSlackUserId(input.user);
  const original = await deps.store.get(input.requestId);
  if (!original || (original.subject !== user && original.requester !== user)) {
    await deps.notifier.postEphemeral(
      { channel: input.channel, user },
      plainReply(describeRefusal({ code: 'unknown_request' })),
    );
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
