import { createHash } from 'node:crypto';
import type { Message } from '../../core/messages/message.ts';

/** What a message shows (text and parts; not its tag), so an update that would change nothing can be skipped. */
export function contentHash(message: Message): string {
  return createHash('sha1')
    .update(JSON.stringify([message.text, message.parts]))
    .digest('base64url')
    .slice(0, 16);
}
