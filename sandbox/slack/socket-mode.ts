/**
 * Slack's Socket Mode on loopback (api.slack.com/apis/socket-mode): `apps.connections.open` on the Web API fake
 * returns a one-use `ws://` URL; on connect the server sends `hello`; each delivery is an envelope
 * `{ envelope_id, type: events_api | interactive | slash_commands, payload, accepts_response_payload,
 * retry_attempt, retry_reason }`, and the app acknowledges it with `{ envelope_id, payload? }` on the same socket.
 * Payloads carry no signature: the app-level token authenticated the connection. `disconnect` asks the app to
 * reconnect. The server pings regularly, as Slack does.
 */
import { randomUUID } from 'node:crypto';
import { type WebSocket, WebSocketServer } from 'ws';
import type { SlackWebApiFake } from './web-api.ts';

export type EnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

export interface Ack {
  envelopeId: string;
  payload: Record<string, unknown> | undefined;
  /** `performance.now()` when the ack arrived. */
  at: number;
}

export interface Delivery {
  envelopeId: string;
  /** Resolves with the app's acknowledgement; rejects after `timeoutMs` without one. */
  acked(timeoutMs?: number): Promise<Ack>;
}

const SERVER_PING_MS = 5_000;

export class SocketModeFake {
  readonly appToken: string;
  readonly #server: WebSocketServer;
  readonly #tickets = new Set<string>();
  readonly #acks = new Map<string, Ack>();
  readonly #waiters = new Map<string, (ack: Ack) => void>();
  readonly #appId: string;
  #socket: WebSocket | undefined;
  #connected: Promise<void>;
  #onConnected: () => void = () => {};
  readonly #ping: NodeJS.Timeout;
  /** Messages the app sent that were not acknowledgements of a known envelope. */
  readonly unexpected: string[] = [];
  connections = 0;

  private constructor(server: WebSocketServer, appToken: string, appId: string) {
    this.#server = server;
    this.appToken = appToken;
    this.#appId = appId;
    this.#connected = this.#nextConnection();
    server.on('connection', (socket, request) => this.#accept(socket, request.url ?? ''));
    this.#ping = setInterval(() => this.#socket?.ping(), SERVER_PING_MS);
    this.#ping.unref();
  }

  /** Listens on 127.0.0.1 and makes `slack` answer apps.connections.open for `appToken`. */
  static async start(slack: SlackWebApiFake, appToken = 'xapp-1-A0SANDBOXAPP-1-sandbox'): Promise<SocketModeFake> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const fake = new SocketModeFake(server, appToken, slack.appId);
    slack.enableSocketMode(appToken, () => fake.#issueUrl());
    return fake;
  }

  /** Resolves once an app has connected and been sent `hello`. */
  async waitForConnection(): Promise<void> {
    await this.#connected;
  }

  /** Sends one envelope; the app must answer with its envelope_id. */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, retry = { attempt: 0, reason: '' }): Delivery {
    const socket = this.#socket;
    if (!socket) throw new Error('no Socket Mode connection');
    const envelopeId = randomUUID();
    socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        // Only slash commands and interactivity can carry a response in the ack.
        accepts_response_payload: type !== 'events_api',
        ...(type === 'events_api' ? { retry_attempt: retry.attempt, retry_reason: retry.reason } : {}),
      }),
    );
    return { envelopeId, acked: (timeoutMs = 10_000) => this.#waitForAck(envelopeId, timeoutMs) };
  }

  ack(envelopeId: string): Ack | undefined {
    return this.#acks.get(envelopeId);
  }

  /** Asks the app to reconnect, as Slack does before recycling a connection. */
  disconnect(reason = 'refresh_requested'): void {
    this.#connected = this.#nextConnection();
    this.#socket?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-sandbox' } }));
  }

  async close(): Promise<void> {
    clearInterval(this.#ping);
    for (const client of this.#server.clients) client.terminate();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #issueUrl(): string {
    const ticket = randomUUID();
    this.#tickets.add(ticket);
    const address = this.#server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${this.#appId}`;
  }

  #nextConnection(): Promise<void> {
    return new Promise((resolve) => {
      this.#onConnected = resolve;
    });
  }

  #accept(socket: WebSocket, url: string): void {
    const ticket = new URL(url, 'ws://127.0.0.1').searchParams.get('ticket') ?? '';
    // A ticket from apps.connections.open is good for one connection, like Slack's.
    if (!this.#tickets.delete(ticket)) {
      socket.close(4001, 'invalid ticket');
      return;
    }
    this.connections += 1;
    this.#socket = socket;
    socket.on('message', (data) => this.#receive(String(data)));
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'applink-sandbox', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.#appId },
      }),
    );
    this.#onConnected();
  }

  #receive(text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      this.unexpected.push(text);
      return;
    }
    if (typeof message.envelope_id !== 'string') {
      this.unexpected.push(text);
      return;
    }
    const ack: Ack = {
      envelopeId: message.envelope_id,
      payload: message.payload && typeof message.payload === 'object' ? (message.payload as Ack['payload']) : undefined,
      at: performance.now(),
    };
    this.#acks.set(ack.envelopeId, ack);
    this.#waiters.get(ack.envelopeId)?.(ack);
  }

  async #waitForAck(envelopeId: string, timeoutMs: number): Promise<Ack> {
    const existing = this.#acks.get(envelopeId);
    if (existing) return existing;
    return await new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ack for envelope ${envelopeId} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
  }
}
