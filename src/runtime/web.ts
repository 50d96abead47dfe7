import type { Server } from 'node:http';
import { createHttpServer } from '../adapters/http/server.ts';
import { createBoltApp } from '../adapters/slack/bolt-app.ts';
import type { Env } from '../config/env.ts';
import type { Logger } from '../shared/logger.ts';
import type { WebComposition } from './compose-web.ts';

/** Slack's HTTP front end: guard → Bolt (verify, persist, ack) and /healthz. */
export async function startWeb(
  env: Env,
  composition: Pick<WebComposition, 'producer' | 'redis'>,
  log: Logger,
): Promise<Server> {
  const { receiver } = createBoltApp({
    botToken: env.slackBotToken,
    signingSecret: env.slackSigningSecret,
    slackApiUrl: env.slackApiUrl,
    producer: composition.producer,
    log,
  });
  const server = createHttpServer({
    slackListener: receiver.requestListener,
    isHealthy: async () => (await composition.redis.ping()) === 'PONG',
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.port, () => resolve());
  });
  const address = server.address();
  log.info({ port: typeof address === 'object' && address ? address.port : env.port }, 'listening for Slack');
  return server;
}
