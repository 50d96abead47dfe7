import { createMetrics, type Metrics } from '../adapters/http/metrics.ts';
import {
  createProducerConnection,
  type RedisConnection as Redis,
  type RedisWhere,
} from '../adapters/queue/connection.ts';
import { createProducer, type Producer } from '../adapters/queue/producer.ts';
import type { Env } from '../config/env.ts';
import type { Logger } from '../shared/logger.ts';

/** What the Slack front end needs: a fail-fast Redis connection and the queue producer. */
export interface WebComposition {
  producer: Producer;
  redis: Redis;
  metrics: Metrics;
  close(): Promise<void>;
}

/**
 * The web role's composition. It loads neither the AWS SDK nor the Kubernetes client (about 120 MB of RSS that
 * only the workers use), so `eks-access web` stays small; `start` uses the full composition, which satisfies this.
 */
export function composeWeb(env: Env, where: RedisWhere, log: Logger): WebComposition {
  const redis = createProducerConnection(where);
  redis.on('error', (error: Error) =>
    log.warn({ connection: 'producer', err: error.message }, 'redis connection error'),
  );
  const producer = createProducer(redis, env.redisPrefix, log, env.replicaWait);
  return {
    producer,
    redis,
    metrics: createMetrics({ queue: producer.queue, redis, prefix: env.redisPrefix }),
    async close() {
      await producer.close();
      await redis.quit().catch(() => undefined);
    },
  };
}
