import { createServer, type Server } from 'node:http';
import type { Logger } from '../../shared/logger.ts';

/**
 * METRICS_PORT's server: GET /metrics and nothing else, so the scrape can stay inside the cluster while the Slack
 * port faces the internet. Anything else is 404.
 */
export function createMetricsServer(render: () => Promise<{ contentType: string; body: string }>, log: Logger): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    render()
      .then((rendered) => res.writeHead(200, { 'content-type': rendered.contentType }).end(rendered.body))
      .catch((error: unknown) => {
        log.warn({ err: (error as Error).message }, 'metrics could not be collected');
        res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable');
      });
  });
}
