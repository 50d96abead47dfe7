import type { Server } from 'node:http';
import { createRefusalAuditor } from '../adapters/http/refusal-audit.ts';
import { createHttpServer } from '../adapters/http/server.ts';
import { createBoltApp } from '../adapters/slack/bolt-app.ts';
import { createAuditLog } from '../adapters/store/audit-log.ts';
import { createRequestStore } from '../adapters/store/request-store.ts';
import type { Env } from '../config/env.ts';
import type { Directory } from '../core/directory.ts';
import type { Logger } from '../shared/logger.ts';
import type { WebComposition } from './compose-web.ts';

/** Slack's HTTP front end: guard → Bolt (verify, persist, ack) and /healthz. */
export async function startWeb(
  env: Env,
  composition: Pick<WebComposition, 'producer' | 'redis'>,
  directory: Directory,
  log: Logger,
): Promise<Server> {
  // On the producer's connection, which fails fast when Redis is down, so Slack gets a 5xx instead of a silent "ok".
  const audit = createAuditLog(composition.redis, env.redisPrefix);
  const { receiver } = createBoltApp({
    botToken: env.slackBotToken,
    signingSecret: env.slackSigningSecret,
    slackApiUrl: env.slackApiUrl,
    producer: composition.producer,
    log,
    modals: { requests: createRequestStore(composition.redis, env.redisPrefix), audit, directory },
  });
  const server = createHttpServer({
    slackListener: receiver.requestListener,
    isHealthy: async () => (await composition.redis.ping()) === 'PONG',
    log,
    onRefused: createRefusalAuditor(audit, log),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.port, () => resolve());
  });
  const address = server.address();
  log.info({ port: typeof address === 'object' && address ? address.port : env.port }, 'listening for Slack');
  return server;
}
