import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../../shared/logger.ts';
import { guardSlackRequest } from '../slack/request-guard.ts';
import type { HttpRefusal } from './unauthenticated-requests.ts';

/** `{ ok, redis: 'up', queue: 'up' }`: each dependency checked, and ok only when all are up. */
export interface HealthReport {
  ok: boolean;
  [dependency: string]: boolean | 'up' | 'down';
}

export interface HttpServerOptions {
  /** Bolt's request listener; only reached by requests that passed the guard. Absent for workers and Socket Mode. */
  slackListener?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Liveness: Redis answers and the queue is reachable. */
  health: () => Promise<HealthReport>;
  /** Readiness: start-up finished and shutdown has not begun (and, checked on each /readyz, `health` is ok). */
  isReady?: () => boolean;
  /** Prometheus text for GET /metrics. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  log: Logger;
  /** Told about every Slack request refused here or by Bolt's signature check (counted and logged, rate-limited). */
  onRefused?: (refusal: HttpRefusal) => void;
}

export function createHttpServer(options: HttpServerOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      void health(options, res);
      return;
    }
    if (req.method === 'GET' && path === '/readyz') {
      void readiness(options, res);
      return;
    }
    if (req.method === 'GET' && path === '/metrics' && options.metrics) {
      void metrics(options, res);
      return;
    }
    if (req.method === 'POST' && path === '/slack/events' && options.slackListener) {
      const verdict = guardSlackRequest(req, Date.now());
      const source = req.socket.remoteAddress ?? 'unknown';
      if (!verdict.ok) {
        // Logged by onRefused, at most once a minute per source: anyone on the internet can send these.
        res.writeHead(verdict.status, { 'content-type': 'text/plain', connection: 'close' }).end(verdict.reason);
        req.resume();
        options.onRefused?.({ status: verdict.status, reason: verdict.reason, source });
        return;
      }
      // Bolt answers 401 when the signature does not verify; nothing was stored then.
      res.once('finish', () => {
        if (res.statusCode === 401) {
          options.onRefused?.({ status: 401, reason: 'signature verification failed', source });
        }
      });
      options.slackListener(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
}

async function health(options: HttpServerOptions, res: ServerResponse): Promise<void> {
  const report = await options.health().catch((): HealthReport => ({ ok: false }));
  res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report));
}

/**
 * Ready once started and until shutdown begins, and only while Redis and the queue answer: during a Redis outage
 * or failover a load balancer sends Slack's requests to a process that can store them, or none (Slack retries).
 */
async function readiness(options: HttpServerOptions, res: ServerResponse): Promise<void> {
  const isStarted = options.isReady?.() ?? true;
  const report = isStarted ? await options.health().catch((): HealthReport => ({ ok: false })) : undefined;
  const ready = isStarted && report?.ok === true;
  const { ok: _ok, ...dependencies } = report ?? { ok: false };
  res
    .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
    .end(JSON.stringify({ ready, ...dependencies }));
}

async function metrics(options: HttpServerOptions, res: ServerResponse): Promise<void> {
  try {
    const rendered = await options.metrics?.();
    res.writeHead(200, { 'content-type': rendered?.contentType ?? 'text/plain' }).end(rendered?.body ?? '');
  } catch (error) {
    options.log.warn({ err: (error as Error).message }, 'metrics could not be collected');
    res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable');
  }
}
