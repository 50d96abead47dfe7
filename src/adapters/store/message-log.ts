import type { MessageLog, MessageRef } from '../../usecases/ports/chat.ts';
import type { RedisConnection as Redis } from '../queue/connection.ts';
import { storeKeys } from './keys.ts';
import { luaScript } from './lua-script.ts';

/** Posted-message references in one hash per owner; kept 30 days (cards are updated long after posting). */
const MESSAGE_TTL_SECONDS = 30 * 24 * 3600;
/** In the same hash, next to the ref it stands for: an attempt to post began at this time and has not saved. */
const ATTEMPT_PREFIX = '~attempt:';

/**
 * How long a claim holds a key against other jobs. Longer than one post can take (a paced wait plus the notifier's
 * retries); a holder that died (SIGKILL) lets the next job in after this, and that one looks before posting.
 */
const HOLD_MS = 30_000;

/**
 * The attempt mark is `held:<first>:<since>` while a job posts and `open:<first>` after one failed; `<first>` is
 * when the first attempt began, kept so a lookup searches from the earliest post that may have reached Slack.
 * `claim` returns [ref, first attempt, busy for ms], each false when absent.
 */
const CLAIM = luaScript(`
local ref = redis.call('HGET', KEYS[1], ARGV[1])
if ref then return {ref, false, false} end
local now = tonumber(ARGV[3])
local mark = redis.call('HGET', KEYS[1], ARGV[2])
if not mark then
  redis.call('HSET', KEYS[1], ARGV[2], 'held:' .. ARGV[3] .. ':' .. ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  return {false, false, false}
end
local state, first, since = string.match(mark, '^(%a+):(%d+):?(%d*)$')
if state == 'held' and now - tonumber(since) < tonumber(ARGV[5]) then
  return {false, false, tostring(tonumber(ARGV[5]) - (now - tonumber(since)))}
end
redis.call('HSET', KEYS[1], ARGV[2], 'held:' .. first .. ':' .. ARGV[3])
return {false, first, false}
`);

const ABANDON = luaScript(`
local mark = redis.call('HGET', KEYS[1], ARGV[1])
if not mark then return 0 end
local first = string.match(mark, '^%a+:(%d+)')
redis.call('HSET', KEYS[1], ARGV[1], 'open:' .. first)
return 1
`);

/** The ref, the attempt mark cleared, the TTL renewed: one EVALSHA that joins the auto-pipeline (a MULTI would not). */
const SAVE = luaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HDEL', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
`);

export function createMessageLog(redis: Redis, prefix: string): MessageLog {
  const keys = storeKeys(prefix);
  return {
    async get(owner, key) {
      const raw = await redis.hget(keys.messages(owner), key);
      return raw ? (JSON.parse(raw) as MessageRef) : undefined;
    },
    async claim(owner, key, at) {
      const [raw, first, busy] = (await CLAIM.run(
        redis,
        [keys.messages(owner)],
        [key, `${ATTEMPT_PREFIX}${key}`, String(Math.floor(at)), String(MESSAGE_TTL_SECONDS), String(HOLD_MS)],
      )) as [string | null, string | null, string | null];
      if (raw) return { ref: JSON.parse(raw) as MessageRef };
      if (busy) return { busyForMs: Number(busy) };
      return first ? { attemptedAt: Number(first) } : {};
    },
    async abandon(owner, key) {
      await ABANDON.run(redis, [keys.messages(owner)], [`${ATTEMPT_PREFIX}${key}`]);
    },
    async release(owner, key) {
      await redis.hdel(keys.messages(owner), `${ATTEMPT_PREFIX}${key}`);
    },
    async save(owner, key, ref) {
      await SAVE.run(
        redis,
        [keys.messages(owner)],
        [key, JSON.stringify(ref), `${ATTEMPT_PREFIX}${key}`, String(MESSAGE_TTL_SECONDS)],
      );
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
