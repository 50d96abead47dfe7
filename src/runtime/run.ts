import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Env, type Role, readEnv } from '../config/env.ts';
import { loadConfigFile } from '../config/load.ts';
import { startRedisServer } from '../sandbox/redis-server.ts';
import { createLogger } from '../shared/logger.ts';
import { composeWeb } from './compose-web.ts';
import { type Closer, installShutdown } from './shutdown.ts';
import { startWeb } from './web.ts';

/** Starts one role: `start` (web + worker, and a private Redis when REDIS_URL is unset), `web` or `worker`. */
export async function run(role: Role, environment: NodeJS.ProcessEnv = process.env): Promise<void> {
  const env = readEnv(role, environment);
  const config = loadConfigFile(env.configPath);
  const log = createLogger(env.logLevel).child({ role });
  const closers: Closer[] = [];
  const redisUrl = env.redisUrl ?? (await embeddedRedis(closers, log));
  // The workers' adapters (AWS SDK, Kubernetes client) are loaded only by the roles that run jobs.
  const full = role === 'web' ? undefined : (await import('./compose.ts')).compose(env, config, redisUrl, log);
  const composition = full ?? composeWeb(env, redisUrl, log);
  closers.push({ name: 'redis clients', close: () => composition.close() });
  if (full) {
    const { startWorker } = await import('./worker.ts');
    const worker = startWorker(env, full, log);
    await full.producer.scheduleReconciler(env.worker.reconcileEveryMs);
    closers.push({ name: 'worker', close: () => worker.close() });
  }
  if (role === 'start' || role === 'web') {
    const server = await startWeb(env, composition, config, log);
    closers.push({ name: 'http', close: () => new Promise((done) => server.close(() => done(undefined))) });
  }
  installShutdown(closers, log);
  log.info({ clusters: config.clusters.map((c) => c.name) }, 'eks-access is running');
}

async function embeddedRedis(closers: Closer[], log: ReturnType<typeof createLogger>): Promise<string> {
  const dir = resolve('.eks-access', 'redis');
  mkdirSync(dir, { recursive: true });
  const redis = await startRedisServer({ dir, isDurable: true });
  closers.push({ name: 'embedded redis', close: () => redis.stop() });
  log.info({ url: redis.url, dir }, 'REDIS_URL is not set: started a private redis-server (append-only, fsync always)');
  return redis.url;
}

export type { Env };
