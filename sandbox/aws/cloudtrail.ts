/**
 * AWS CloudTrail fake speaking awsJson1_1 (API 2013-11-01) for `LookupEvents`: `POST /` with
 * `Content-Type: application/x-amz-json-1.1` and `X-Amz-Target: CloudTrail_20131101.LookupEvents` (the JS SDK's short
 * form; routing on the text after the last `.` also takes botocore's `com.amazonaws.cloudtrail.v20131101.…` form).
 * Timestamps are epoch seconds, `CloudTrailEvent` is the record as a JSON string, errors are
 * `{"__type": "<Code>", "message": "…"}`.
 *
 * Behaves like the service where the product can trip over it: one lookup attribute at most, 90 days of history,
 * newest first, `MaxResults` 1–50, a `NextToken` only valid with the parameters that produced it, and 2 calls per
 * second (sliding window; `ThrottlingException`, which the SDK retries). Point a real `CloudTrailClient` at it with
 * `AWS_ENDPOINT_URL_CLOUDTRAIL=<fake.url>`.
 */
import { randomUUID } from 'node:crypto';
import {
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  FakeServer,
  type FakeServerOptions,
  type IncomingRequest,
  type InjectedFailure,
  json,
} from '../fake-server.ts';
import type { RouteMatch } from '../route-table.ts';
import { type CloudTrailRecord, type CreatorIdentity, eksChangeEvent } from './cloudtrail-events.ts';
import { CloudTrailError, type LookupResource, lookupEvents, type StoredEvent } from './cloudtrail-lookup.ts';
import type { EksFake } from './eks.ts';

export type { CloudTrailRecord } from './cloudtrail-events.ts';
export type { LookupResource } from './cloudtrail-lookup.ts';

export const CLOUDTRAIL_CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface RateLimit {
  calls: number;
  windowMs: number;
}

/** LookupEvents: 2 requests per second per account and Region. */
export const LOOKUP_EVENTS_RATE_LIMIT: RateLimit = { calls: 2, windowMs: 1_000 };

export interface CloudTrailFakeOptions extends FakeServerOptions {
  /** The service clock: the 90-day history window is relative to it. */
  now?: () => number;
  /** Default `LOOKUP_EVENTS_RATE_LIMIT`; `null` turns throttling off. */
  rateLimit?: RateLimit | null;
  /** The rate limiter's clock (default: real time), apart from `now` so a frozen test clock cannot throttle forever. */
  rateClock?: () => number;
}

export interface EventExtras {
  /** The `Resources` LookupEvents lists (default: the EKS cluster of an `eks:CreateCluster`, else none). */
  resources?: LookupResource[];
}

export class CloudTrailFake extends FakeServer {
  readonly #events: StoredEvent[] = [];
  readonly #now: () => number;
  readonly #rateClock: () => number;
  #rateLimit: RateLimit | null;
  #accepted: number[] = [];
  #lookups = 0;
  #throttled = 0;

  constructor(options: CloudTrailFakeOptions = {}) {
    super(options);
    this.#now = options.now ?? Date.now;
    this.#rateClock = options.rateClock ?? Date.now;
    this.#rateLimit = options.rateLimit === undefined ? LOOKUP_EVENTS_RATE_LIMIT : options.rateLimit;
  }

  static override async start(options: CloudTrailFakeOptions = {}): Promise<CloudTrailFake> {
    return await new CloudTrailFake(options).listen();
  }

  addEvent(record: CloudTrailRecord, extras: EventExtras = {}): void {
    this.#events.push({ record: structuredClone(record), resources: extras.resources ?? defaultResources(record) });
  }

  /**
   * Records every access-entry change the EKS fake performs (DeleteAccessEntry, DisassociateAccessPolicy,
   * UpdateAccessEntry) as CloudTrail would, the caller named by `identityOf` from the request's access key id
   * (unknown keys are recorded as an IAM user `unknown-<key>`).
   */
  recordEksChanges(eks: EksFake, identityOf: (accessKeyId: string | undefined) => CreatorIdentity | undefined): void {
    eks.onChange((call) => {
      const identity = identityOf(call.accessKeyId) ?? {
        type: 'IAMUser' as const,
        userArn: `arn:aws:iam::${call.accountId}:user/unknown-${call.accessKeyId ?? 'none'}`,
      };
      const record = eksChangeEvent({
        eventName: call.operation,
        region: call.region,
        accountId: call.accountId,
        eventTime: call.at,
        userIdentity: { ...identity, ...(call.accessKeyId !== undefined ? { accessKeyId: call.accessKeyId } : {}) },
        requestParameters: call.requestParameters,
      });
      const resources = [{ ResourceType: 'AWS::EKS::Cluster', ResourceName: call.clusterName }];
      this.addEvent(record, { resources });
    });
  }

  /** LookupEvents calls answered with events (throttled and invalid calls not included). */
  get lookups(): number {
    return this.#lookups;
  }

  /** LookupEvents calls refused with ThrottlingException. */
  get throttled(): number {
    return this.#throttled;
  }

  setRateLimit(limit: RateLimit | null): void {
    this.#rateLimit = limit;
    this.#accepted = [];
  }

  protected override dispatch(request: IncomingRequest): RouteMatch<FakeHandler> | undefined {
    const target = String(request.headers['x-amz-target'] ?? '');
    const contentType = String(request.headers['content-type'] ?? '').split(';')[0];
    if (request.method !== 'POST' || request.path !== '/' || contentType !== CLOUDTRAIL_CONTENT_TYPE) return undefined;
    const op = target.slice(target.lastIndexOf('.') + 1);
    if (!target.includes('CloudTrail_20131101.') || op !== 'LookupEvents') return undefined;
    return { op, handler: (r) => this.#respond(r), params: {} };
  }

  protected override renderFailure(failure: InjectedFailure): FakeResponse {
    return errorResponse(
      failure.status,
      failure.code ?? 'InternalFailure',
      failure.message ?? 'Injected failure',
      failure.headers,
    );
  }

  protected override renderUnrouted(): FakeResponse {
    return errorResponse(400, 'UnknownOperationException', 'The operation is not modelled by the fake'); // fake's wording
  }

  #respond(request: FakeRequest): FakeResponse {
    try {
      if (request.headers.authorization === undefined) {
        throw new CloudTrailError(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
      this.#admit();
      const output = lookupEvents(this.#events, parseJson(request.body), this.#now());
      this.#lookups += 1;
      return json(200, output, { 'content-type': CLOUDTRAIL_CONTENT_TYPE, 'x-amzn-requestid': randomUUID() });
    } catch (error) {
      if (!(error instanceof CloudTrailError)) throw error;
      return errorResponse(error.status, error.code, error.message);
    }
  }

  /** Sliding-window rate limit: a call is admitted if fewer than `calls` were admitted in the last `windowMs`. */
  #admit(): void {
    const limit = this.#rateLimit;
    if (limit === null) return;
    const now = this.#rateClock();
    this.#accepted = this.#accepted.filter((at) => at > now - limit.windowMs);
    if (this.#accepted.length >= limit.calls) {
      this.#throttled += 1;
      throw new CloudTrailError(400, 'ThrottlingException', 'Rate exceeded');
    }
    this.#accepted.push(now);
  }
}

function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): FakeResponse {
  return json(
    status,
    { __type: code, message },
    { 'content-type': CLOUDTRAIL_CONTENT_TYPE, 'x-amzn-requestid': randomUUID(), ...headers },
  );
}

function parseJson(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body === '' ? '{}' : body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new CloudTrailError(400, 'SerializationException', 'The request body is not a JSON object'); // fake's wording
}

function defaultResources(record: CloudTrailRecord): LookupResource[] {
  if (record.eventSource !== 'eks.amazonaws.com' || record.eventName !== 'CreateCluster') return [];
  const request = record.requestParameters ?? {};
  const name = request['name'] ?? request['clusterName'];
  return typeof name === 'string' ? [{ ResourceType: 'AWS::EKS::Cluster', ResourceName: name }] : [];
}
