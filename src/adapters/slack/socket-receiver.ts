import type { App, Receiver, Logger as SlackLogger } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';

export interface SocketReceiverOptions {
  /** The app-level token (xapp-…) with `connections:write`; it authenticates apps.connections.open and the socket. */
  appToken: string;
  /** The Web API base for apps.connections.open (tests point it at the Slack fake). */
  slackApiUrl: string | undefined;
  logger: SlackLogger;
}

type SlackEvent = {
  ack: (response?: Record<string, unknown>) => Promise<void>;
  envelope_id: string;
  type: string;
  body: Record<string, unknown>;
  retry_num?: number;
  retry_reason?: string;
};

/**
 * Socket Mode with the HTTP receiver's `processBeforeResponse` semantics. Bolt's own SocketModeReceiver acks an
 * Events API envelope before the listener runs; here the envelope is acknowledged by `envelope_id` only after the
 * listener has stored it, with the response the listener gave (a slash command's ephemeral text). When the
 * listener fails nothing is acknowledged, so Slack redelivers the envelope (with `retry_attempt`).
 */
export class PersistThenAckSocketReceiver implements Receiver {
  readonly client: SocketModeClient;
  #app: App | undefined;
  readonly #logger: SlackLogger;

  constructor(options: SocketReceiverOptions) {
    this.#logger = options.logger;
    this.client = new SocketModeClient({
      appToken: options.appToken,
      logger: options.logger,
      clientOptions: options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {},
    });
    this.client.on('slack_event', (event: SlackEvent) => void this.#handle(event));
  }

  init(app: App): void {
    this.#app = app;
  }

  async start(): Promise<unknown> {
    return await this.client.start();
  }

  async stop(): Promise<void> {
    await this.client.disconnect();
  }

  async #handle(event: SlackEvent): Promise<void> {
    if (!this.#app) return;
    let response: Record<string, unknown> | undefined;
    let isAcked = false;
    try {
      await this.#app.processEvent({
        body: event.body,
        ...(event.retry_num !== undefined ? { retryNum: event.retry_num } : {}),
        ...(event.retry_reason !== undefined ? { retryReason: event.retry_reason } : {}),
        // Record what the listener answers; the envelope is acknowledged below, once processing has finished.
        ack: async (answer?: unknown) => {
          isAcked = true;
          if (answer && typeof answer === 'object') response = answer as Record<string, unknown>;
          else if (typeof answer === 'string') response = { text: answer };
        },
      });
    } catch (error) {
      this.#logger.error(`socket mode envelope not stored, left unacknowledged: ${(error as Error).message}`);
      return;
    }
    // Events are "acked" by Bolt itself before the listener runs; reaching here means the listener finished.
    if (!isAcked && event.type !== 'events_api') return;
    await event.ack(response);
  }
}
