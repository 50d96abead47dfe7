import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

/** A connection to the test run's private Redis and a key prefix no other test uses. */
export function testRedis(): { redis: Redis; prefix: string; url: string } {
  const url = inject('redisUrl');
  return { redis: new Redis(url, { maxRetriesPerRequest: null }), prefix: `{t-${randomUUID().slice(0, 8)}}`, url };
}
