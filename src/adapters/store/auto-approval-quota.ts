import type { AutoApprovalQuota } from '../../usecases/ports/requests.ts';
import type { RedisConnection as Redis } from '../queue/connection.ts';
import { luaScript } from './lua-script.ts';

/**
 * One sorted set per (cluster, requester): members are request ids, scores the approval time. The script drops
 * entries older than the period, then adds this request if it is under the cap, all in one atomic step, so two
 * workers can never both take the last slot. Re-running for a request already in the set is a no-op (a retried job).
 * Returns {taken (0/1), used before this request}.
 */
const TAKE = luaScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local existing = redis.call('ZSCORE', KEYS[1], ARGV[4])
local count = redis.call('ZCARD', KEYS[1])
if existing then return {1, count - 1} end
if count >= tonumber(ARGV[3]) then return {0, count} end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, count}
`);

export function createAutoApprovalQuota(redis: Redis, prefix: string): AutoApprovalQuota {
  return {
    async take({ cluster, user, requestId, now, periodMs, max }) {
      const key = `${prefix}:autoapprove:${cluster}:${user}`;
      const [taken, used] = (await TAKE.run(redis, [key], [now, periodMs, max, requestId])) as [number, number];
      return { isTaken: taken === 1, usedBefore: used };
    },
  };
}
