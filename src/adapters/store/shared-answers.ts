import { randomUUID } from 'node:crypto';
import type { RedisConnection as Redis } from '../queue/connection.ts';
import { storeKeys } from './keys.ts';
import { luaScript } from './lua-script.ts';

/**
 * Answers that are expensive to get and the same for every process (who created a cluster: a rate-limited
 * CloudTrail search), computed by one process at a time and kept in Redis for all of them.
 */
export interface SharedAnswers {
  /**
   * The stored answer, or `compute`'s: while one process computes, the others wait for its answer instead of
   * asking AWS too. `ttlMs` absent: kept for good. A failed compute stores nothing, and the next caller tries.
   */
  once<T>(key: string, compute: () => Promise<{ value: T; ttlMs?: number }>): Promise<T>;
}

export interface SharedAnswersOptions {
  /** How long the computing process holds the lock; a process that dies holding it frees it after this. */
  lockMs?: number;
  /** How long a waiting process waits for another's answer before it computes its own (not stored). */
  waitMs?: number;
  pollMs?: number;
}

// Only the holder's token deletes the lock: a compute that outlived its lock must not free a newer holder's.
const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

export function createSharedAnswers(redis: Redis, prefix: string, options: SharedAnswersOptions = {}): SharedAnswers {
  const keys = storeKeys(prefix);
  const lockMs = options.lockMs ?? 60_000;
  const waitMs = options.waitMs ?? 60_000;
  const pollMs = options.pollMs ?? 100;
  return {
    async once<T>(key: string, compute: () => Promise<{ value: T; ttlMs?: number }>): Promise<T> {
      const answerKey = keys.sharedAnswer(key);
      const lockKey = keys.sharedAnswerLock(key);
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline) {
        const stored = await redis.get(answerKey);
        if (stored !== null) return JSON.parse(stored) as T;
        const token = randomUUID();
        if ((await redis.set(lockKey, token, 'PX', lockMs, 'NX')) === 'OK') {
          try {
            const { value, ttlMs } = await compute();
            const text = JSON.stringify(value);
            if (ttlMs === undefined) await redis.set(answerKey, text);
            else await redis.set(answerKey, text, 'PX', ttlMs);
            return value;
          } finally {
            await RELEASE.run(redis, [lockKey], [token]);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
      return (await compute()).value;
    },
  };
}
