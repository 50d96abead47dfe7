import type { Message } from '../../core/messages/message.ts';
import { DeferredError } from '../../shared/errors.ts';
import type { MessageRef } from '../ports/chat.ts';
import type { Deps } from '../ports/deps.ts';
import { contentHash } from './content-hash.ts';

/**
 * Posts a message unless one was already posted for (owner, key); then it updates that one instead
 * (or leaves it, for replies that never change). A retried job therefore never posts twice, even when the earlier
 * attempt's post reached Slack but its answer did not reach us: the attempt was marked first, so this one looks
 * for the tagged message before posting. While one job posts a key, another that wants it is deferred.
 */
/** How soon a job that found another posting the same message looks again. */
const BUSY_RECHECK_MS = 500;

export async function postOnce(
  deps: Pick<Deps, 'messages' | 'notifier' | 'clock'>,
  owner: string,
  key: string,
  target: { channel: string; threadTs?: string },
  message: Message,
  options: { updateIfPosted?: boolean } = {},
): Promise<MessageRef> {
  const claimed = await deps.messages.claim(owner, key, deps.clock.now());
  if (claimed.busyForMs !== undefined) {
    // busyForMs is when a dead holder's claim would lapse; a live one saves within a Slack call, so look again soon
    // instead of waiting out the lapse (that wait put a refusal 30 s behind its "Approved by" reply).
    throw new DeferredError(Math.min(claimed.busyForMs, BUSY_RECHECK_MS), `another job is posting ${key}`);
  }
  if (claimed.ref) {
    if (options.updateIfPosted) await updateIfChanged(deps, owner, key, claimed.ref, message);
    return claimed.ref;
  }
  let posted: MessageRef;
  try {
    posted = await deps.notifier.post(
      target,
      { ...message, tag: { owner, key } },
      claimed.attemptedAt !== undefined ? { mayExistSince: claimed.attemptedAt } : {},
    );
  } catch (error) {
    // Deferred before anything was sent: the next run has nothing to look for (unless an earlier attempt did).
    const isClean = error instanceof DeferredError && !error.afterUncertainTry && claimed.attemptedAt === undefined;
    await (isClean ? deps.messages.release(owner, key) : deps.messages.abandon(owner, key));
    throw error;
  }
  const ref = { channel: posted.channel, ts: posted.ts, contentHash: contentHash(message) };
  await deps.messages.save(owner, key, ref);
  return ref;
}

/** Writes `message` into the posted message unless it already shows exactly that (coalesces no-op updates). */
export async function updateIfChanged(
  deps: Pick<Deps, 'messages' | 'notifier'>,
  owner: string,
  key: string,
  ref: MessageRef,
  message: Message,
): Promise<boolean> {
  const hash = contentHash(message);
  if (ref.contentHash === hash) return false;
  await deps.notifier.update(ref, message);
  await deps.messages.save(owner, key, { channel: ref.channel, ts: ref.ts, contentHash: hash });
  return true;
}

export function requestOwner(requestId: string): string {
  return `req:${requestId}`;
}

export function inboundOwner(inboundId: string): string {
  return `in:${inboundId}`;
}
