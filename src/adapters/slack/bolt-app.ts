import { App, type AuthorizeResult, HTTPReceiver, LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Logger } from '../../shared/logger.ts';
import type { Producer } from '../queue/producer.ts';
import { mountListeners } from './listener-router.ts';
import { registerListeners } from './listeners.ts';
import { type ModalDeps, registerModalListeners } from './modal-listeners.ts';
import { PersistThenAckSocketReceiver } from './socket-receiver.ts';

export interface BoltOptions {
  botToken: string;
  signingSecret: string;
  /** Set: Socket Mode over a WebSocket instead of HTTP (SLACK_APP_TOKEN). */
  appToken?: string | undefined;
  slackApiUrl: string | undefined;
  producer: Producer;
  log: Logger;
  /** The stored request and the audit trail, for the deny and step-up modals. */
  modals: Omit<ModalDeps, 'log'>;
}

/**
 * Bolt over its HTTP receiver, driven by our own server (see http-server.ts) so the timestamp and
 * size checks run first. `processBeforeResponse` holds Slack's answer until the listener has stored
 * the event; Slack's 3 s budget is far above the milliseconds that takes.
 */
export function createBoltApp(options: BoltOptions): {
  app: App;
  receiver: HTTPReceiver | undefined;
  socket: PersistThenAckSocketReceiver | undefined;
} {
  const logger = boltLogger(options.log);
  const socket = options.appToken
    ? new PersistThenAckSocketReceiver({ appToken: options.appToken, slackApiUrl: options.slackApiUrl, logger })
    : undefined;
  const receiver = socket
    ? undefined
    : new HTTPReceiver({
        signingSecret: options.signingSecret,
        endpoints: '/slack/events',
        processBeforeResponse: true,
        signatureVerification: true,
        logger,
        // Our listeners ack within milliseconds; this only fires when Redis hangs, and then 404 makes Slack retry.
        unhandledRequestTimeoutMillis: 2_800,
      });
  const clientOptions = {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
  };
  const app = new App({
    authorize: cachedAuthorize(new WebClient(options.botToken, clientOptions), options.botToken),
    receiver: socket ?? receiver,
    logger,
    // Nothing reads Bolt's in-memory conversation store; its look-up rejects with a new Error (a stack trace) on
    // every event, which is measurable on the ack path (bench/ack-latency.ts).
    convoStore: false,
    clientOptions,
  });
  mountListeners(app, (router) => {
    registerListeners(app, router, options.producer);
    registerModalListeners(router, options.producer, { ...options.modals, log: options.log });
  });
  app.error(async (error) => {
    options.log.error({ code: (error as { code?: string }).code, err: error.message }, 'slack listener failed');
    // Re-throwing makes the receiver answer 500, so Slack retries an event we could not store.
    throw error;
  });
  return { app, receiver, socket };
}

/**
 * Bolt's `token` option runs auth.test in its constructor and keeps the promise: when Slack is unreachable at that
 * moment the rejection is unhandled (the process dies) and every later event fails on the cached error. This asks
 * once, on the first event, keeps a success and retries after a failure.
 */
function cachedAuthorize(client: WebClient, botToken: string): () => Promise<AuthorizeResult> {
  let pending: Promise<AuthorizeResult> | undefined;
  return () => {
    pending ??= client.auth
      .test()
      .then((identity) => ({
        botToken,
        ...(identity.bot_id ? { botId: identity.bot_id } : {}),
        ...(identity.user_id ? { botUserId: identity.user_id } : {}),
        ...(identity.team_id ? { teamId: identity.team_id } : {}),
      }))
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
}

function boltLogger(log: Logger): SlackLogger {
  const child = log.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.WARN;
  const write =
    (method: 'debug' | 'info' | 'warn' | 'error') =>
    (...messages: unknown[]) => {
      child[method]({ detail: messages.map(String).join(' ').slice(0, 500) }, 'bolt');
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
