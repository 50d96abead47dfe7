import { App, HTTPReceiver, LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../shared/logger.ts';
import type { Producer } from '../queue/producer.ts';
import { registerListeners } from './listeners.ts';
import { type ModalDeps, registerModalListeners } from './modal-listeners.ts';

export interface BoltOptions {
  botToken: string;
  signingSecret: string;
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
export function createBoltApp(options: BoltOptions): { app: App; receiver: HTTPReceiver } {
  const logger = boltLogger(options.log);
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: '/slack/events',
    processBeforeResponse: true,
    signatureVerification: true,
    logger,
    // Our listeners ack within milliseconds; this only fires when Redis hangs, and then 404 makes Slack retry.
    unhandledRequestTimeoutMillis: 2_800,
  });
  const app = new App({
    token: options.botToken,
    receiver,
    logger,
    // Nothing reads Bolt's in-memory conversation store; its look-up rejects with a new Error (a stack trace) on
    // every event, which is measurable on the ack path (bench/ack-latency.ts).
    convoStore: false,
    clientOptions: {
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    },
  });
  registerListeners(app, options.producer);
  registerModalListeners(app, options.producer, { ...options.modals, log: options.log });
  app.error(async (error) => {
    options.log.error({ code: (error as { code?: string }).code, err: error.message }, 'slack listener failed');
    // Re-throwing makes the receiver answer 500, so Slack retries an event we could not store.
    throw error;
  });
  return { app, receiver };
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
