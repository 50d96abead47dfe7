/**
 * The awsQuery protocol (STS, IAM) as the JS SDK speaks it: `POST /` with a form body
 * `Action=<Op>&Version=<date>&Param=…`, answered with XML `<OpResponse xmlns=…><OpResult>…</OpResult>
 * <ResponseMetadata><RequestId/></ResponseMetadata></OpResponse>`, errors as
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` (the SDK reads `Error.Code`).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  FakeServer,
  type FakeServerOptions,
  type IncomingRequest,
  type InjectedFailure,
} from '../fake-server.ts';
import type { RouteMatch } from '../route-table.ts';

/** A service error rendered as an awsQuery `ErrorResponse`. */
export class QueryError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'QueryError';
    this.status = status;
    this.code = code;
  }
}

/** Element content: text, a nested element map, or a list rendered as `<member>` items (awsQuery list encoding). */
export type XmlValue = string | number | boolean | Date | undefined | XmlValue[] | { [tag: string]: XmlValue };

export interface QueryRequest extends FakeRequest {
  form: URLSearchParams;
}

export type QueryHandler = (request: QueryRequest) => { [tag: string]: XmlValue };

export class AwsQueryFake extends FakeServer {
  readonly #namespace: string;
  readonly #actions = new Map<string, QueryHandler>();

  /** `namespace` is the service's XML namespace, e.g. `https://sts.amazonaws.com/doc/2011-06-15/`. */
  constructor(namespace: string, options: FakeServerOptions = {}) {
    super(options);
    this.#namespace = namespace;
  }

  protected action(name: string, handler: QueryHandler): void {
    this.#actions.set(name, handler);
  }

  /**
   * Routes on the field `Action`: of the form body, or of the query of a presigned GET (what the EKS token and
   * `link` replay: `GET /?Action=…&X-Amz-Signature=…`). An unknown action is unrouted (501, recorded as unexpected).
   */
  protected override dispatch(request: IncomingRequest): RouteMatch<FakeHandler> | undefined {
    if (request.path !== '/') return undefined;
    const presigned = request.method === 'GET' && request.query.has('X-Amz-Signature');
    if (request.method !== 'POST' && !presigned) return undefined;
    const form = presigned ? request.query : new URLSearchParams(request.body);
    const op = form.get('Action') ?? '';
    const handle = this.#actions.get(op);
    if (!handle) return undefined;
    const handler: FakeHandler = (fakeRequest) => this.#respond(op, { ...fakeRequest, form }, handle);
    return { op, handler, params: {} };
  }

  protected override renderFailure(failure: InjectedFailure): FakeResponse {
    const error = new QueryError(
      failure.status,
      failure.code ?? 'InternalFailure',
      failure.message ?? 'Injected failure',
    );
    const response = this.#errorResponse(error);
    return { ...response, headers: { ...response.headers, ...failure.headers } };
  }

  #respond(op: string, request: QueryRequest, handle: QueryHandler): FakeResponse {
    const requestId = randomUUID();
    try {
      if (request.headers.authorization === undefined && !isPresigned(request)) {
        throw new QueryError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
      }
      const result = toXml(handle(request));
      const body =
        `<${op}Response xmlns="${this.#namespace}"><${op}Result>${result}</${op}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op}Response>`;
      return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      return this.#errorResponse(error, requestId);
    }
  }

  #errorResponse(error: QueryError, requestId = randomUUID()): FakeResponse {
    const type = error.status >= 500 ? 'Receiver' : 'Sender';
    const body =
      `<ErrorResponse xmlns="${this.#namespace}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: error.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
  }
}

export function toXml(elements: { [tag: string]: XmlValue }): string {
  return Object.entries(elements)
    .map(([tag, value]) => element(tag, value))
    .join('');
}

function element(tag: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `<${tag}>${value.map((item) => element('member', item)).join('')}</${tag}>`;
  if (value instanceof Date) return `<${tag}>${isoSeconds(value)}</${tag}>`;
  if (typeof value === 'object') return `<${tag}>${toXml(value)}</${tag}>`;
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}

/** AWS writes XML timestamps without fractional seconds: `2024-05-01T12:00:00Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** The access key id from a SigV4 `Authorization` header (`… Credential=AKID/date/region/service/aws4_request, …`). */
export function accessKeyIdOf(headers: IncomingHttpHeaders): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(headers.authorization ?? '')?.[1];
}

/** A GET whose SigV4 signature is in the query string (no `Authorization` header). */
export function isPresigned(request: QueryRequest): boolean {
  return request.method === 'GET' && request.form.has('X-Amz-Signature');
}

export function requiredParam(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (value === null || value === '') {
    const field = name.charAt(0).toLowerCase() + name.slice(1);
    throw new QueryError(
      400,
      'ValidationError',
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}
