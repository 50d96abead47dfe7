import { createHash } from 'node:crypto';
import { asRequestId, type RequestId } from '../../core/ids.ts';
import { MAX_MESSAGE_CHARS } from '../../core/intent/intent.ts';

/**
 * A request id derived from the inbound Slack id: a redelivered event maps to the same request,
 * and the id is short enough to read out in a thread ("R7KQ2M4XH1").
 */
export function requestIdFor(inboundId: string): RequestId {
  const digest = createHash('sha256').update(inboundId).digest();
  let id = 'R';
  for (let i = 0; i < 10; i++) id += CROCKFORD[(digest[i] ?? 0) % 32];
  return asRequestId(id);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Keep one character past the limit, so the parser can still say "too long" without storing 100 KB. */
export function clipText(text: string): string {
  return text.length > MAX_MESSAGE_CHARS + 1 ? text.slice(0, MAX_MESSAGE_CHARS + 1) : text;
}
