import type { RedisConnection as Redis } from '../queue/connection.ts';
import { luaScript } from '../store/lua-script.ts';

/** Slack's posting budget per channel, shared by every process on the Redis (GCRA: an average rate plus a burst). */
export interface ChannelPacer {
  /**
   * Reserves the channel's next posting slot: how long to wait before posting (0: now). When the slot is further
   * away than `maxWaitMs`, nothing is reserved and `{ busyForMs }` says for how long the channel is full.
   */
  reserve(channel: string): Promise<{ waitMs: number } | { busyForMs: number }>;
}

export interface PacerSettings {
  /** Average gap between two posts to one channel; 0 turns pacing off. */
  intervalMs: number;
  burst: number;
  maxWaitMs: number;
}

/**
 * GCRA over one key per channel holding its theoretical arrival time: a post may go at max(now, tat − (burst − 1) ×
 * interval), and each reserved post pushes tat by one interval. Returns the wait, or −wait when it is too long (and
 * then reserves nothing, so a refused post does not push the others back). The time is Redis's own, so processes
 * with skewed clocks share one schedule.
 */
const RESERVE = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - (burst - 1) * interval - now
if wait < 0 then wait = 0 end
if wait > maxWait then return -wait end
local nextTat = tat + interval
redis.call('SET', KEYS[1], nextTat, 'PX', nextTat - now + interval)
return wait
`);

export function createChannelPacer(redis: Redis, prefix: string, settings: PacerSettings): ChannelPacer {
  return {
    async reserve(channel) {
      if (settings.intervalMs <= 0) return { waitMs: 0 };
      const result = Number(
        await RESERVE.run(
          redis,
          [`${prefix}:slack-pace:${channel}`],
          [settings.intervalMs, settings.burst, settings.maxWaitMs],
        ),
      );
      return result < 0 ? { busyForMs: -result } : { waitMs: result };
    },
  };
}
