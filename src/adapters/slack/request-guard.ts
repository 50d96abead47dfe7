import type { IncomingMessage } from 'node:http';

/** Slack signs a timestamp; more than five minutes away from our clock, either way, is a replay or a broken clock. */
export const SLACK_TIMESTAMP_TOLERANCE_SEC = 300;
/** Slack payloads are a few KB; Slack's own message cap is 40k characters. Larger bodies are refused unread. */
export const SLACK_BODY_MAX_BYTES = 1024 * 1024;

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 411 | 413; reason: string };

/**
 * Checks that Bolt does not: it rejects only stale timestamps, not future ones, and reads any body size.
 * The signature itself is still verified by Bolt.
 */
export function guardSlackRequest(req: IncomingMessage, nowMs: number): GuardVerdict {
  const length = Number(req.headers['content-length'] ?? Number.NaN);
  if (!Number.isFinite(length)) return { ok: false, status: 411, reason: 'content-length required' };
  if (length > SLACK_BODY_MAX_BYTES) return { ok: false, status: 413, reason: 'body too large' };
  const raw = req.headers['x-slack-request-timestamp'];
  const timestamp = Number(Array.isArray(raw) ? raw[0] : raw);
  if (!Number.isInteger(timestamp)) return { ok: false, status: 401, reason: 'missing timestamp' };
  if (Math.abs(nowMs / 1000 - timestamp) > SLACK_TIMESTAMP_TOLERANCE_SEC) {
    return { ok: false, status: 401, reason: 'timestamp outside tolerance' };
  }
  return { ok: true };
}
