import type { Redis } from 'ioredis';
import type { MessageLog, MessageRef } from '../../usecases/ports.ts';
import { storeKeys } from './keys.ts';

/** Posted-message references in one hash per owner; kept 30 days (cards are updated long after posting). */
const MESSAGE_TTL_SECONDS = 30 * 24 * 3600;

export function createMessageLog(redis: Redis, prefix: string): MessageLog {
  const keys = storeKeys(prefix);
  return {
    async get(owner, key) {
      const raw = await redis.hget(keys.messages(owner), key);
      return raw ? (JSON.parse(raw) as MessageRef) : undefined;
    },
    async save(owner, key, ref) {
      await redis
        .multi()
        .hset(keys.messages(owner), key, JSON.stringify(ref))
        .expire(keys.messages(owner), MESSAGE_TTL_SECONDS)
        .exec();
    },
    async list(owner) {
      const all = await redis.hgetall(keys.messages(owner));
      return Object.fromEntries(Object.entries(all).map(([key, raw]) => [key, JSON.parse(raw) as MessageRef]));
    },
  };
}
