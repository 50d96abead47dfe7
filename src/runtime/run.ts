import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Cluster, type Redis } from 'ioredis';
import { createCheckConnection, type RedisWhere } from '../adapters/queue/connection.ts';
import { judgeRedisSettings, readRedisSettings } from '../adapters/queue/redis-settings.ts';
import type { Env, Role } from '../config/env.ts';
import { describeRedisTopology, type RedisTopology } from '../config/redis-topology.ts';
import { createLogger, type Logger, secretsFromEnv } from '../shared/logger.ts';
import { composeWeb } from './compose-web.ts';
import { hasRedisServer, REDIS_INSTALL_HINT, startRedisServer } from './redis-server.ts';
import { readSettings } from './settings.ts';
import { type Closer, closeWithGrace, createLifecycle, installShutdown, SHUTDOWN_DEADLINE_MS } from './shutdown.ts';
import { StartupError } from './startup-error.ts';
import { ensureStoreSchema } from './store-schema.ts';
import { startMetricsHttp, startWeb, startWorkerHttp } from './web.ts';

/** How long the worker may finish its jobs on SIGTERM before it is closed by force (the rest closes after it). */
const WORKER_GRACE_MS = SHUTDOWN_DEADLINE_MS - 2_500;

/**
 * Starts one role: `start` (web + worker, and a private Redis when REDIS_URL is unset), `web` or `worker`. Every
 * role serves /healthz, /readyz and /metrics on PORT; ready once everything below has started.
 */
export async function run(role: Role, environment: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { env, config } = readSettings(role, environment);
  const log = createLogger(env.logLevel, 'eks-access', { secrets: secretsFromEnv(environment) }).child({ role });
  const lifecycle = createLifecycle();
  const closers: Closer[] = [];
  installShutdown(closers, lifecycle, log);
  // Node's default report of an unhandled error prints the objects involved, request headers (tokens) included.
  for (const event of ['unhandledRejection', 'uncaughtException'] as const) {
    process.on(event, (error: unknown) => {
      log.fatal({ event, err: error instanceof Error ? error.message : String(error) }, 'unexpected error; exiting');
      process.exit(1);
    });
  }
  const where = env.redisTopology ? await checkSharedRedis(env.redisTopology, log) : await embeddedRedis(closers, log);
  // Before any worker or Slack listener touches the store: upgrade older data, refuse data a newer version wrote.
  await ensureStoreSchema(env, config, where, log);
  // The workers' adapters (AWS SDK, Kubernetes client: ~120 MB) are loaded only by the roles that run jobs.
  const full = role === 'web' ? undefined : (await import('./compose.ts')).compose(env, config, where, log);
  const composition = full ?? composeWeb(env, where, log);
  closers.push({ name: 'redis clients', close: () => composition.close() });
  const isWeb = role === 'start' || role === 'web';
  const http = isWeb ? await startWeb(env, composition, config, lifecycle, log) : undefined;
  const server = http?.server ?? (await startWorkerHttp(env, composition, lifecycle, log));
  if (server) closers.push({ name: 'http', close: () => closeServer(server) });
  const metricsServer = await startMetricsHttp(env, composition, log, !isWeb);
  if (metricsServer) closers.push({ name: 'metrics http', close: () => closeServer(metricsServer) });
  if (full) {
    const { startWorker } = await import('./worker.ts');
    const worker = startWorker(env, full, log);
    full.metrics.observeWorker(worker);
    await full.producer.scheduleReconciler(env.worker.reconcileEveryMs);
    closers.push({ name: 'worker', close: () => closeWithGrace((force) => worker.close(force), WORKER_GRACE_MS, log) });
  }
  // Closed first: no new Slack requests while the worker finishes what it holds.
  if (http) closers.push({ name: 'slack intake', close: () => http.intake.stop() });
  lifecycle.markReady();
  log.info(
    { clusters: config.clusters.map((c) => c.name), slack: env.slackAppToken ? 'socket-mode' : 'http' },
    'eks-access is running',
  );
}

async function closeServer(server: import('node:http').Server): Promise<void> {
  await new Promise((done) => {
    server.close(() => done(undefined));
    server.closeIdleConnections();
  });
}

/**
 * The shared Redis (any topology): refuse an evicting one (BullMQ loses jobs), warn loudly when nothing is
 * persisted. On a cluster every primary is checked, since any of them may come to own the bot's slot.
 */
async function checkSharedRedis(topology: RedisTopology, log: Logger): Promise<RedisWhere> {
  const where = describeRedisTopology(topology);
  const redis = createCheckConnection(topology);
  redis.on('error', () => {}); // reported through the rejected command below
  try {
    await withinMs(redis.connect(), CHECK_TIMEOUT_MS, `no answer within ${CHECK_TIMEOUT_MS / 1000} s`);
    const servers: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
    for (const server of servers) {
      const verdict = judgeRedisSettings(await readRedisSettings(server));
      for (const warning of verdict.warnings) log.warn({ redis: 'persistence' }, `WARNING: ${warning}`);
      if (!verdict.ok) throw new StartupError(verdict.problem);
    }
    log.info({ redis: where, servers: servers.length }, 'using the shared Redis');
    return topology;
  } catch (error) {
    if (error instanceof StartupError) throw error;
    throw new StartupError(`Cannot reach the Redis at ${where}: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

const CHECK_TIMEOUT_MS = 10_000;

function withinMs<T>(promise: Promise<T>, ms: number, problem: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(problem)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function embeddedRedis(closers: Closer[], log: Logger): Promise<string> {
  if (!hasRedisServer()) throw new StartupError(REDIS_INSTALL_HINT);
  const dir = resolve('.eks-access', 'redis');
  mkdirSync(dir, { recursive: true });
  const redis = await startRedisServer({ dir, isDurable: true, isTiedToParent: true }).catch((error: unknown) => {
    throw new StartupError(`cannot start the private redis-server: ${(error as Error).message}`);
  });
  closers.push({ name: 'embedded redis', close: () => redis.stop() });
  log.info(
    { url: redis.url, dir, pid: redis.pid },
    'REDIS_URL is not set: started a private redis-server (append-only file, appendfsync always, maxmemory-policy noeviction)',
  );
  return redis.url;
}

export type { Env };
