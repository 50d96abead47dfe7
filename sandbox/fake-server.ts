/**
 * Shared base of the loopback fakes: one HTTP(S) server on 127.0.0.1 with a route table, a call log and the knobs
 * tests need to provoke the failures real services produce (latency, injected errors, a request held in flight).
 *
 * Every request is recorded in `calls`. A request no route accepts is answered 501 and also recorded in `unexpected`,
 * so a test ends with `expect(fake.unexpected).toEqual([])` instead of passing while the product called something the
 * fake never modelled.
 */
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RouteMatch, RouteTable } from './route-table.ts';

/** One request as the fake saw it. `path` is the raw, still percent-encoded pathname. */
export interface FakeCall {
  op: string;
  method: string;
  path: string;
  query: Record<string, string>;
  body: string;
  headers: IncomingHttpHeaders;
  /** Epoch milliseconds when the request body had fully arrived. */
  at: number;
  /** HTTP status the fake answered; absent while the call is still in flight or was dropped. */
  status?: number;
  /** Epoch milliseconds when the answer was written (added latency included); absent like `status`. */
  answeredAt?: number;
  /** The client went away before the answer was written (for example a SIGKILLed worker). */
  isAborted?: boolean;
  /** Why the fake itself failed on this call (a bug in the fake, recorded in `unexpected` too). */
  error?: string;
}

export interface IncomingRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeRequest extends IncomingRequest {
  op: string;
  /** Path labels, each percent-decoded on its own. */
  params: Record<string, string>;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

/** What `failNext` answers instead of running the handler; each fake renders it in its own protocol. */
export interface InjectedFailure {
  status: number;
  code?: string;
  message?: string;
  headers?: Record<string, string>;
}

export interface Hold {
  /** Resolves once a call to the held op has arrived (and is now waiting). */
  arrived: Promise<void>;
  /** Let the held call proceed: it is handled and answered normally. */
  release(): void;
  /** Destroy the held call's connection without handling it: the request is lost before it took effect. */
  drop(): void;
}

export interface FakeServerOptions {
  /** Serve HTTPS with this key pair instead of plain HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Tried before the route table; for protocols that route on the body (awsQuery `Action`) or on a path prefix. */
  dispatch?: (request: IncomingRequest) => RouteMatch<FakeHandler> | undefined;
}

export const UNROUTED_OP = '(unrouted)';

type GateOutcome = 'release' | 'drop';

interface FailureWindow {
  ops: ReadonlySet<string>;
  endsAt: number;
  failures: readonly InjectedFailure[];
  next: number;
}

interface Gate {
  arrive(): void;
  outcome: Promise<GateOutcome>;
  settle(outcome: GateOutcome): void;
}

export class FakeServer {
  readonly calls: FakeCall[] = [];
  readonly unexpected: FakeCall[] = [];
  protected readonly routes = new RouteTable<FakeHandler>();
  readonly #options: FakeServerOptions;
  readonly #server: Server;
  readonly #latency = new Map<string | undefined, number>();
  readonly #failures = new Map<string, InjectedFailure[]>();
  readonly #lateFailures = new Map<string, InjectedFailure[]>();
  readonly #windows: FailureWindow[] = [];
  readonly #rejectedKeys = new Map<string, InjectedFailure>();
  readonly #holds = new Map<string, Gate[]>();
  readonly #allGates = new Set<Gate>();
  readonly #callListeners = new Set<(call: FakeCall) => void>();
  #url: string | undefined;

  constructor(options: FakeServerOptions = {}) {
    this.#options = options;
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) res.writeHead(500).end(String(error));
      });
    };
    this.#server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener);
  }

  /** Starts a fake that routes only through `options.dispatch` (subclasses have their own `start`). */
  static async start(options: FakeServerOptions = {}): Promise<FakeServer> {
    return await new FakeServer(options).listen();
  }

  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    if (this.#url === undefined) throw new Error('fake server is not listening yet');
    return this.#url;
  }

  callsTo(op: string): FakeCall[] {
    return this.calls.filter((call) => call.op === op);
  }

  /** Adds `ms` of latency before every call (no `op`) or before calls to `op`; the op value wins. 0 removes it. */
  setLatency(ms: number, op?: string): void {
    if (ms <= 0) this.#latency.delete(op);
    else this.#latency.set(op, ms);
  }

  /** The next `count` calls to `op` get `failure` instead of being handled; state is not touched. */
  failNext(op: string, count: number, failure: InjectedFailure): void {
    const queue = this.#failures.get(op) ?? [];
    for (let i = 0; i < count; i++) queue.push(failure);
    this.#failures.set(op, queue);
  }

  /**
   * The next `count` calls to `op` are handled (their effect happens) and then answered with `failure`: the
   * service did the work but the client never heard, as after a timeout or a 5xx from a proxy.
   */
  failAfterHandlingNext(op: string, count: number, failure: InjectedFailure): void {
    const queue = this.#lateFailures.get(op) ?? [];
    for (let i = 0; i < count; i++) queue.push(failure);
    this.#lateFailures.set(op, queue);
  }

  /**
   * For `durationMs` from now, every call to one of `ops` (all ops when empty) is answered with the next of
   * `failures`, in turn, instead of being handled: an outage with a start and an end. Returns when it ends.
   */
  failFor(ops: readonly string[], durationMs: number, failures: readonly InjectedFailure[]): { endsAt: number } {
    const endsAt = Date.now() + durationMs;
    this.#windows.push({ ops: new Set(ops), endsAt, failures, next: 0 });
    return { endsAt };
  }

  /**
   * Every call signed (SigV4) with `accessKeyId` gets `failure` until `acceptAccessKey`: credentials the service
   * itself refuses, before any authorization (an expired session, a deleted key). `sandbox/aws/credential-rejection.ts`
   * has each protocol's real error for it.
   */
  rejectAccessKey(accessKeyId: string, failure: InjectedFailure): void {
    this.#rejectedKeys.set(accessKeyId, failure);
  }

  acceptAccessKey(accessKeyId: string): void {
    this.#rejectedKeys.delete(accessKeyId);
  }

  /** Holds the next call to `op` before it is handled, until `release()` or `drop()`. */
  hold(op: string): Hold {
    const arrived = deferred<void>();
    const outcome = deferred<GateOutcome>();
    const gate: Gate = { arrive: arrived.resolve, outcome: outcome.promise, settle: outcome.resolve };
    const queue = this.#holds.get(op) ?? [];
    queue.push(gate);
    this.#holds.set(op, queue);
    this.#allGates.add(gate);
    return { arrived: arrived.promise, release: () => gate.settle('release'), drop: () => gate.settle('drop') };
  }

  /**
   * Resolves with the first recorded call that matches, re-checked whenever a call arrives, is answered or is aborted
   * (so `call.status === 200` waits for the answer), or rejects after `timeoutMs`.
   */
  async waitForCall(match: string | ((call: FakeCall) => boolean), timeoutMs = 5_000): Promise<FakeCall> {
    const predicate = typeof match === 'string' ? (call: FakeCall) => call.op === match : match;
    const existing = this.calls.find(predicate);
    if (existing) return existing;
    // Listeners see a call each time it changes; the first time the predicate holds wins.
    return await new Promise<FakeCall>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#callListeners.delete(listener);
        reject(new Error(`no matching call arrived within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (call: FakeCall) => {
        if (!predicate(call)) return;
        clearTimeout(timer);
        this.#callListeners.delete(listener);
        resolve(call);
      };
      this.#callListeners.add(listener);
    });
  }

  async close(): Promise<void> {
    for (const gate of this.#allGates) gate.settle('drop');
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  protected async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.#server.address() as AddressInfo;
    this.#url = `${this.#options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return this;
  }

  /** Which op a request belongs to; subclasses override for protocols that route on the body. */
  protected dispatch(request: IncomingRequest): RouteMatch<FakeHandler> | undefined {
    return this.#options.dispatch?.(request) ?? this.routes.match(request.method, request.path);
  }

  /** Renders an injected failure; each protocol overrides this with its own error shape. */
  protected renderFailure(failure: InjectedFailure, _request: FakeRequest): FakeResponse {
    return json(failure.status, { code: failure.code, message: failure.message }, failure.headers);
  }

  /** The answer to a request no route accepts (recorded as unexpected either way). */
  protected renderUnrouted(request: IncomingRequest): FakeResponse {
    return {
      status: 501,
      headers: { 'content-type': 'text/plain' },
      body: `no fake route for ${request.method} ${request.path}`,
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const incoming = await readRequest(req);
    const match = this.dispatch(incoming);
    const call: FakeCall = {
      op: match?.op ?? UNROUTED_OP,
      method: incoming.method,
      path: incoming.path,
      query: Object.fromEntries(incoming.query),
      body: incoming.body,
      headers: incoming.headers,
      at: Date.now(),
    };
    res.on('close', () => {
      if (res.writableFinished) return;
      call.isAborted = true;
      this.#notify(call);
    });
    this.calls.push(call);
    this.#notify(call);
    if (!match) {
      this.unexpected.push(call);
      this.#send(res, call, this.renderUnrouted(incoming));
      return;
    }
    const request: FakeRequest = { ...incoming, op: match.op, params: match.params };
    const latency = this.#latency.get(match.op) ?? this.#latency.get(undefined) ?? 0;
    if (latency > 0) await sleep(latency);
    if ((await this.#passGate(match.op)) === 'drop') {
      res.destroy();
      return;
    }
    const failure =
      this.#keyRejection(incoming.headers) ?? this.#failures.get(match.op)?.shift() ?? this.#windowFailure(match.op);
    if (failure) {
      this.#send(res, call, this.renderFailure(failure, request));
      return;
    }
    try {
      const response = await match.handler(request);
      const late = this.#lateFailures.get(match.op)?.shift();
      this.#send(res, call, late ? this.renderFailure(late, request) : response);
    } catch (error) {
      call.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.unexpected.push(call);
      this.#send(res, call, { status: 500, headers: { 'content-type': 'text/plain' }, body: call.error });
    }
  }

  #send(res: ServerResponse, call: FakeCall, response: FakeResponse): void {
    call.status = response.status;
    call.answeredAt = Date.now();
    if (!res.destroyed && !res.writableEnded) {
      const body = response.body ?? '';
      res.writeHead(response.status, { ...response.headers, 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    }
    this.#notify(call);
  }

  #notify(call: FakeCall): void {
    for (const listener of [...this.#callListeners]) listener(call);
  }

  #keyRejection(headers: IncomingHttpHeaders): InjectedFailure | undefined {
    if (this.#rejectedKeys.size === 0) return undefined;
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(headers.authorization ?? '')?.[1];
    return accessKeyId === undefined ? undefined : this.#rejectedKeys.get(accessKeyId);
  }

  #windowFailure(op: string): InjectedFailure | undefined {
    const now = Date.now();
    const window = this.#windows.find((w) => w.endsAt > now && (w.ops.size === 0 || w.ops.has(op)));
    if (!window || window.failures.length === 0) return undefined;
    const failure = window.failures[window.next % window.failures.length];
    window.next += 1;
    return failure;
  }

  async #passGate(op: string): Promise<GateOutcome> {
    const gate = this.#holds.get(op)?.shift();
    if (!gate) return 'release';
    gate.arrive();
    const outcome = await gate.outcome;
    this.#allGates.delete(gate);
    return outcome;
  }
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

async function readRequest(req: IncomingMessage): Promise<IncomingRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
