import type { DigestItem, Digests } from '../../usecases/ports/requests.ts';
import type { RedisConnection as Redis } from '../queue/connection.ts';
import { storeKeys } from './keys.ts';
import { luaScript } from './lua-script.ts';

/** A digest outlives its window by far: its job may run late after an outage and still finds the items. */
const DIGEST_TTL_SECONDS = 24 * 3600;
const FIRST_FIELD = '~first';

/**
 * One hash per (channel, window): request id → item, plus which request came first. "First" is decided once
 * (HSETNX), so a retried add for that request answers true again and the window's job is scheduled after all.
 */
const ADD = luaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSETNX', KEYS[1], '${FIRST_FIELD}', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return redis.call('HGET', KEYS[1], '${FIRST_FIELD}') == ARGV[1] and 1 or 0
`);

export function createDigests(redis: Redis, prefix: string): Digests {
  const keys = storeKeys(prefix);
  return {
    async add(channel, window, item) {
      const first = await ADD.run(
        redis,
        [keys.digest(channel, window)],
        [item.requestId, JSON.stringify(item), DIGEST_TTL_SECONDS],
      );
      return Number(first) === 1;
    },
    async read(channel, window) {
      const all = await redis.hgetall(keys.digest(channel, window));
      return Object.entries(all)
        .filter(([field]) => field !== FIRST_FIELD)
        .map(([, raw]) => JSON.parse(raw) as DigestItem)
        .sort((a, b) => a.at - b.at || a.requestId.localeCompare(b.requestId));
    },
  };
}
