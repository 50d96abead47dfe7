import { createHash } from 'node:crypto';
import type { RedisConnection as Redis } from '../queue/connection.ts';

/** A Lua script that runs by its SHA1, so its source crosses the wire only when this Redis has not seen it. */
export interface LuaScript {
  run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/**
 * EVALSHA first, EVAL after NOSCRIPT (a restarted or flushed Redis). EVAL alone would send and hash the whole
 * source on every call, and a request runs several of these scripts.
 */
export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        // Redis names an error reply by its first word; NOSCRIPT is the one that means "send me the source".
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
