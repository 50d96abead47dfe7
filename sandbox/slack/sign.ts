/**
 * Signs and sends requests exactly as Slack does to an app's Request URL: `X-Slack-Signature: v0=<hex HMAC-SHA256 of
 * "v0:<timestamp>:<raw body>" keyed with the signing secret>` and `X-Slack-Request-Timestamp: <epoch seconds>`.
 * Knobs produce the hostile variants a receiver must refuse: stale or future timestamps, a wrong signature, none.
 */
import { createHmac } from 'node:crypto';

export type SlackRequestKind = 'event' | 'command' | 'interaction';

/** Events API deliveries are JSON; slash commands and interactions are form posts (`payload=<JSON>` for the latter). */
export const SLACK_CONTENT_TYPES: Record<SlackRequestKind, string> = {
  event: 'application/json',
  command: 'application/x-www-form-urlencoded',
  interaction: 'application/x-www-form-urlencoded',
};

export const SLACK_USER_AGENT = 'Slackbot 1.0 (+https://api.slack.com/robots)';

/** `v0=` + hex HMAC-SHA256(secret, `v0:${timestampSec}:${rawBody}`). */
export function slackSignature(secret: string, timestampSec: number | string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
}

export function signedHeaders(secret: string, rawBody: string, timestampSec: number): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(timestampSec),
    'x-slack-signature': slackSignature(secret, timestampSec, rawBody),
  };
}

export interface SendSlackRequestOptions {
  secret: string;
  /** Shift of the signed timestamp from now: -360 is stale (older than Slack's 5 minutes), +3600 is in the future. */
  timestampOffsetSec?: number;
  /** Clock for the timestamp (epoch milliseconds); defaults to `Date.now`. */
  now?: () => number;
  /** Marks an Events API redelivery: `X-Slack-Retry-Num` (1–3) and `X-Slack-Retry-Reason`. */
  retryNum?: number;
  retryReason?: string;
  /** Send no signature headers at all. */
  unsigned?: boolean;
  /** Send a well-formed signature that does not match (its last hex digit flipped). */
  badSignature?: boolean;
  headers?: Record<string, string>;
}

export interface SlackHttpResult {
  status: number;
  body: string;
  headers: Headers;
}

/** Posts `rawBody` to a Bolt (or any) endpoint the way Slack would, and returns what the app answered. */
export async function sendSlackRequest(
  url: string,
  kind: SlackRequestKind,
  rawBody: string,
  options: SendSlackRequestOptions,
): Promise<SlackHttpResult> {
  const nowSec = Math.floor((options.now ?? Date.now)() / 1000);
  const headers: Record<string, string> = {
    'content-type': SLACK_CONTENT_TYPES[kind],
    'user-agent': SLACK_USER_AGENT,
    ...(options.unsigned ? {} : signedHeaders(options.secret, rawBody, nowSec + (options.timestampOffsetSec ?? 0))),
    ...options.headers,
  };
  if (options.badSignature && headers['x-slack-signature'] !== undefined) {
    headers['x-slack-signature'] = flipLastHexDigit(headers['x-slack-signature']);
  }
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
  }
  const response = await fetch(url, { method: 'POST', headers, body: rawBody });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

function flipLastHexDigit(signature: string): string {
  const last = signature.at(-1) === '0' ? '1' : '0';
  return `${signature.slice(0, -1)}${last}`;
}
