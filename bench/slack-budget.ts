/**
 * Slack-side budget check (issue 7): chat.postMessage is limited to about one message per second per channel,
 * with short bursts tolerated. From the Slack fake's record of calls, the most posts any one channel received
 * within one wall-clock second.
 */
import type { FakeCall } from '../sandbox/fake-server.ts';

/** What Slack documents for chat.postMessage: "1 per second per channel", with bursts allowed for a moment. */
export const SLACK_POSTS_PER_CHANNEL_SECOND = 1;
/** Above this many in one second we flag the run; a burst of a few is what Slack tolerates. */
export const SLACK_BURST_TOLERATED = 3;

export interface PostBudget {
  max: number;
  channel: string | undefined;
  channels: number;
  posts: number;
}

export function maxPostsPerChannelSecond(calls: readonly FakeCall[]): PostBudget {
  const perSecond = new Map<string, number>();
  const channels = new Set<string>();
  let max = 0;
  let worst: string | undefined;
  for (const call of calls) {
    const channel = channelOf(call.body);
    channels.add(channel);
    const key = `${channel} ${Math.floor(call.at / 1000)}`;
    const count = (perSecond.get(key) ?? 0) + 1;
    perSecond.set(key, count);
    if (count > max) {
      max = count;
      worst = channel;
    }
  }
  return { max, channel: worst, channels: channels.size, posts: calls.length };
}

function channelOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { channel?: unknown };
    if (typeof parsed.channel === 'string') return parsed.channel;
  } catch {
    // WebClient posts form-encoded bodies
  }
  return new URLSearchParams(body).get('channel') ?? '(none)';
}
