import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { hasRedisServer, REDIS_INSTALL_HINT, startRedisServer } from '../../src/runtime/redis-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/**
 * One private redis-server for the whole run (tests isolate themselves with key prefixes).
 * REDIS_URL wins when set; the shared machine Redis on 6379 is never used implicitly.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env['REDIS_URL'];
  if (fromEnv) {
    project.provide('redisUrl', fromEnv);
    return async () => {};
  }
  if (!hasRedisServer()) throw new Error(REDIS_INSTALL_HINT);
  const redis = await startRedisServer();
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.stop();
  };
}
