import type { Server } from 'node:http';
import { createMetricsServer } from '../adapters/http/metrics-server.ts';
import { createHttpServer, type HealthReport } from '../adapters/http/server.ts';
import { createUnauthenticatedRequestLog } from '../adapters/http/unauthenticated-requests.ts';
import { createBoltApp } from '../adapters/slack/bolt-app.ts';
import { createAuditLog } from '../adapters/store/audit-log.ts';
import { createRequestStore } from '../adapters/store/request-store.ts';
import type { Env } from '../config/env.ts';
import type { Settings } from '../core/settings.ts';
import type { Logger } from '../shared/logger.ts';
import type { WebComposition } from './compose-web.ts';
import type { Lifecycle } from './shutdown.ts';

/** What the front end and the health server need; the web role gets it without the AWS SDK or Kubernetes client. */
type WebParts = Pick<WebComposition, 'producer' | 'redis' | 'metrics'>;

export interface Intake {
  /** Stops taking Slack requests: the Socket Mode connection closes; HTTP events get 503 (Slack retries them). */
  stop(): Promise<void>;
}

/**
 * Slack's front end: over HTTP (guard → Bolt: verify, persist, ack on POST /slack/events), or over Socket Mode when
 * SLACK_APP_TOKEN is set, with the same persist-then-ack listeners. The HTTP server always serves health and metrics.
 */
export async function startWeb(
  env: Env,
  composition: WebParts,
  settings: Settings,
  lifecycle: Lifecycle,
  log: Logger,
): Promise<{ server: Server; intake: Intake }> {
  // On the producer's connection, which fails fast when Redis is down, so Slack gets a 5xx instead of a silent "ok".
  const audit = createAuditLog(composition.redis, env.redisPrefix);
  const { receiver, socket } = createBoltApp({
    botToken: env.slackBotToken,
    signingSecret: env.slackSigningSecret,
    appToken: env.slackAppToken,
    slackApiUrl: env.slackApiUrl,
    producer: composition.producer,
    log,
    modals: { requests: createRequestStore(composition.redis, env.redisPrefix), audit, settings },
  });
  const listener = receiver?.requestListener;
  const server = await startHttp(env, composition, lifecycle, log, {
    onRefused: createUnauthenticatedRequestLog({
      count: (refusal) => composition.metrics.observeUnauthenticated(refusal),
      log,
    }).record,
    slackListener: listener
      ? (req, res) => {
          if (!lifecycle.isStopping()) return listener(req, res);
          req.resume();
          res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('shutting down');
        }
      : undefined,
  });
  if (socket) {
    await socket.start();
    log.info('connected to Slack over Socket Mode');
  }
  return { server, intake: { stop: async () => socket?.stop() } };
}

type SlackListener = Parameters<typeof createHttpServer>[0]['slackListener'];
type RefusalHook = Parameters<typeof createHttpServer>[0]['onRefused'];

/**
 * Health, readiness and metrics on PORT, plus the Slack endpoint when given (workers serve the first three only).
 * With METRICS_PORT set, /metrics is left to that port's own server (startMetricsHttp) and is 404 here.
 */
export async function startHttp(
  env: Env,
  composition: WebParts,
  lifecycle: Lifecycle,
  log: Logger,
  slack: { slackListener: SlackListener; onRefused?: RefusalHook } = { slackListener: undefined },
  port = env.port,
): Promise<Server> {
  const server = createHttpServer({
    ...(slack.slackListener ? { slackListener: slack.slackListener } : {}),
    ...(slack.onRefused ? { onRefused: slack.onRefused } : {}),
    health: () => checkHealth(composition),
    isReady: () => lifecycle.isReady(),
    ...(env.metricsPort === undefined ? { metrics: () => composition.metrics.render() } : {}),
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  const address = server.address();
  log.info(
    { port: typeof address === 'object' && address ? address.port : port, slack: slack.slackListener ? 'http' : 'off' },
    'listening',
  );
  return server;
}

/** Redis answers PING and the queue's own connection answers a count: both a web and a worker need them. */
async function checkHealth(composition: WebParts): Promise<HealthReport> {
  const within = <T>(promise: Promise<T>) =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref()),
    ]);
  const [redis, queue] = await Promise.allSettled([
    within(composition.redis.ping()),
    within(composition.producer.queue.count()),
  ]);
  const isRedisUp = redis.status === 'fulfilled' && redis.value === 'PONG';
  const isQueueUp = queue.status === 'fulfilled';
  return { ok: isRedisUp && isQueueUp, redis: isRedisUp ? 'up' : 'down', queue: isQueueUp ? 'up' : 'down' };
}

/**
 * METRICS_PORT's server (only when it is set). A web process fails to start when the port is taken, like PORT; a
 * worker warns and runs on without it, like EKS_ACCESS_WORKER_PORT, since a second worker on one host must still run.
 */
export async function startMetricsHttp(
  env: Env,
  composition: WebParts,
  log: Logger,
  isWorkerOnly: boolean,
): Promise<Server | undefined> {
  if (env.metricsPort === undefined) return undefined;
  const server = createMetricsServer(() => composition.metrics.render(), log);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(env.metricsPort, () => resolve());
    });
  } catch (error) {
    if (!isWorkerOnly || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    log.warn({ port: env.metricsPort }, 'METRICS_PORT is in use: this worker serves no /metrics; give it its own port');
    return undefined;
  }
  log.info({ port: env.metricsPort }, 'serving /metrics on METRICS_PORT only');
  return server;
}

/**
 * A worker's health and metrics server on EKS_ACCESS_WORKER_PORT (default 3001), never PORT, so a web and a worker
 * started with one environment on one host do not race for a port. A second worker on the same host must still
 * run, so a port in use is a warning here rather than a failed start.
 */
export async function startWorkerHttp(
  env: Env,
  composition: WebParts,
  lifecycle: Lifecycle,
  log: Logger,
): Promise<Server | undefined> {
  try {
    return await startHttp(env, composition, lifecycle, log, { slackListener: undefined }, env.workerPort);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    log.warn(
      { port: env.workerPort },
      'EKS_ACCESS_WORKER_PORT is in use: this worker serves no /healthz, /readyz or /metrics; give it its own port',
    );
    return undefined;
  }
}
