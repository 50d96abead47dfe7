import { Redis, type RedisOptions } from 'ioredis';

/**
 * Producers on the Slack ack path fail fast while Redis is down (no offline queue), so the receiver
 * answers 5xx and Slack retries instead of being told "ok" for something not stored.
 */
export function createProducerConnection(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  } satisfies RedisOptions);
}

/** Workers must wait for Redis rather than fail jobs (BullMQ requires maxRetriesPerRequest: null). */
export function createWorkerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/**
 * The workers' own reads and writes (requests, messages, audit, pacing): commands issued in the same tick go to
 * Redis in one write (ioredis auto-pipelining), which under load is most of the saving. Kept off BullMQ's
 * connections, where auto-pipelining has been reported to break job handling.
 */
export function createStoreConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableAutoPipelining: true });
}
