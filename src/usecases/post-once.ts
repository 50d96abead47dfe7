import type { Message } from '../core/messages/message.ts';
import type { Deps, MessageRef } from './ports.ts';

/**
 * Posts a message unless one was already posted for (owner, key); then it updates that one instead
 * (or leaves it, for replies that never change). A retried job therefore never posts twice.
 */
export async function postOnce(
  deps: Pick<Deps, 'messages' | 'notifier'>,
  owner: string,
  key: string,
  target: { channel: string; threadTs?: string },
  message: Message,
  options: { updateIfPosted?: boolean } = {},
): Promise<MessageRef> {
  const existing = await deps.messages.get(owner, key);
  if (existing) {
    if (options.updateIfPosted) await deps.notifier.update(existing, message);
    return existing;
  }
  const ref = await deps.notifier.post(target, message);
  await deps.messages.save(owner, key, ref);
  return ref;
}

export function requestOwner(requestId: string): string {
  return `req:${requestId}`;
}

export function inboundOwner(inboundId: string): string {
  return `in:${inboundId}`;
}
