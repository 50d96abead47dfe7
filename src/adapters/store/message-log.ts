import type { Redis } from 'ioredis';
import type { MessageLog, MessageRef } from '../../usecases/ports.ts';
import { storeKeys } from './keys.ts';

/** Posted-message references in one hash per owner; kept 30 days (cards are updated long after posting). */
const MESSAGE_TTL_SECONDS = 30 * 24 * 3600;
/** In the same hash, next to the ref it stands for: an attempt to post began at this time and has not saved. */
const ATTEMPT_PREFIX = '~attempt:';

/**
 * `claim` in one script: the ref if posted; otherwise the earlier attempt's time (kept, so a lookup searches from
 * the first attempt) or a new mark. Returns [ref or false, attemptedAt or false].
 */
const CLAIM = `
local ref = redis.call('HGET', KEYS[1], ARGV[1])
if ref then return {ref, false} end
local earlier = redis.call('HGET', KEYS[1], ARGV[2])
if not earlier then
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
end
return {false, earlier}
`;

export function createMessageLog(redis: Redis, prefix: string): MessageLog {
  const keys = storeKeys(prefix);
  return {
    async get(owner, key) {
      const raw = await redis.hget(keys.messages(owner), key);
      return raw ? (JSON.parse(raw) as MessageRef) : undefined;
    },
    async claim(owner, key, at) {
      const [raw, earlier] = (await redis.eval(
        CLAIM,
        1,
        keys.messages(owner),
        key,
        `${ATTEMPT_PREFIX}${key}`,
        String(at),
        String(MESSAGE_TTL_SECONDS),
      )) as [string | null, string | null];
      if (raw) return { ref: JSON.parse(raw) as MessageRef };
      return earlier ? { attemptedAt: Number(earlier) } : {};
    },
    async save(owner, key, ref) {
      await redis
        .multi()
        .hset(keys.messages(owner), key, JSON.stringify(ref))
        .hdel(keys.messages(owner), `${ATTEMPT_PREFIX}${key}`)
        .expire(keys.messages(owner), MESSAGE_TTL_SECONDS)
        .exec();
    },
    async list(owner) {
      const all = await redis.hgetall(keys.messages(owner));
      return Object.fromEntries(
        Object.entries(all)
          .filter(([key]) => !key.startsWith(ATTEMPT_PREFIX))
          .map(([key, raw]) => [key, JSON.parse(raw) as MessageRef]),
      );
    },
  };
}
