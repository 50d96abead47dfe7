import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../../shared/logger.ts';
import { guardSlackRequest } from '../slack/request-guard.ts';
import type { HttpRefusal } from './refusal-audit.ts';

export interface HttpServerOptions {
  /** Bolt's request listener; only reached by requests that passed the guard. */
  slackListener?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Resolves true when Redis answers. */
  isHealthy: () => Promise<boolean>;
  log: Logger;
  /** Told about every Slack request refused here or by Bolt's signature check (for the audit trail). */
  onRefused?: (refusal: HttpRefusal) => void;
}

export function createHttpServer(options: HttpServerOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      void health(options, res);
      return;
    }
    if (req.method === 'POST' && path === '/slack/events' && options.slackListener) {
      const verdict = guardSlackRequest(req, Date.now());
      if (!verdict.ok) {
        options.log.warn(
          { status: verdict.status, reason: verdict.reason },
          'slack request refused before verification',
        );
        res.writeHead(verdict.status, { 'content-type': 'text/plain', connection: 'close' }).end(verdict.reason);
        req.resume();
        options.onRefused?.({ status: verdict.status, reason: verdict.reason });
        return;
      }
      // Bolt answers 401 when the signature does not verify; nothing was stored then.
      res.once('finish', () => {
        if (res.statusCode === 401) options.onRefused?.({ status: 401, reason: 'signature verification failed' });
      });
      options.slackListener(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
}

async function health(options: HttpServerOptions, res: ServerResponse): Promise<void> {
  const healthy = await options.isHealthy().catch(() => false);
  res
    .writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' })
    .end(JSON.stringify({ ok: healthy, redis: healthy ? 'up' : 'down' }));
}
