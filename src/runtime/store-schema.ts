import { createWorkerConnection, type RedisWhere } from '../adapters/queue/connection.ts';
import { createProducer } from '../adapters/queue/producer.ts';
import { storeKeys } from '../adapters/store/keys.ts';
import { ensureCurrentSchema, type SchemaCheck } from '../adapters/store/schema-upgrade.ts';
import type { Env } from '../config/env.ts';
import { findCluster, type Settings } from '../core/settings.ts';
import type { Logger } from '../shared/logger.ts';
import { StartupError } from './startup-error.ts';

/**
 * Before anything reads or writes the store: upgrade data an older eks-access left (one process does it, the
 * others wait), and refuse to run on data a newer one wrote. On its own connection, which waits for Redis (the
 * web role's producer connection fails fast and would refuse commands sent before it is connected).
 */
export async function ensureStoreSchema(
  env: Pick<Env, 'redisPrefix'>,
  settings: Settings,
  where: RedisWhere,
  log: Logger,
): Promise<void> {
  const redis = createWorkerConnection(where);
  redis.on('error', (error: Error) => log.warn({ connection: 'schema', err: error.message }, 'redis connection error'));
  const jobs = createProducer(redis, env.redisPrefix);
  try {
    const check = await ensureCurrentSchema({
      redis,
      prefix: env.redisPrefix,
      jobs,
      pendingTimeoutOf: (cluster) => findCluster(settings, cluster)?.pendingTimeout,
      log,
    });
    const refusal = refusalOf(check, env.redisPrefix);
    if (refusal) throw new StartupError(refusal);
  } finally {
    await jobs.close();
    await redis.quit().catch(() => undefined);
  }
}

/** The operator's answer when this eks-access must not touch the stored data; undefined when it may run. */
export function refusalOf(check: SchemaCheck, prefix: string): string | undefined {
  if (check.kind === 'newer') {
    return (
      `The data in Redis is at stored format version ${check.version}, but this eks-access knows versions up to ` +
      `${check.known}: a newer eks-access wrote it. Run that newer eks-access (or a later one) against this Redis; ` +
      'this one has changed nothing and will not start, so it cannot misread or damage the newer data.'
    );
  }
  if (check.kind === 'unreadable') {
    return (
      `The stored format version in Redis (${storeKeys(prefix).schemaVersion}) is not a version number ` +
      `(${JSON.stringify(check.raw.slice(0, 40))}); eks-access will not guess what the data is. Check that ` +
      'EKS_ACCESS_REDIS_PREFIX names eks-access data.'
    );
  }
  return undefined;
}
