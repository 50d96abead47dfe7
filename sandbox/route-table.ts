/**
 * Method + path-pattern routing for the loopback fakes.
 *
 * Patterns use Smithy's label syntax (`/clusters/{name}/access-entries/{principalArn}`). A label matches exactly one
 * raw path segment and is percent-decoded on its own: AWS SDKs encode `/` inside a label as `%2F`, so decoding the
 * whole path first and then splitting would cut an ARN like `role/platform/bob` into three segments.
 */

export interface RouteMatch<H> {
  op: string;
  handler: H;
  params: Record<string, string>;
}

interface Route<H> {
  method: string;
  segments: readonly string[];
  op: string;
  handler: H;
}

const LABEL = /^\{(\w+)\}$/;

export class RouteTable<H> {
  readonly #routes: Route<H>[] = [];

  add(method: string, pattern: string, op: string, handler: H): this {
    this.#routes.push({ method: method.toUpperCase(), segments: splitPath(pattern), op, handler });
    return this;
  }

  /** `rawPath` is the pathname exactly as it arrived (still percent-encoded). */
  match(method: string, rawPath: string): RouteMatch<H> | undefined {
    const segments = splitPath(rawPath);
    for (const route of this.#routes) {
      if (route.method !== method.toUpperCase() || route.segments.length !== segments.length) continue;
      const params = matchSegments(route.segments, segments);
      if (params) return { op: route.op, handler: route.handler, params };
    }
    return undefined;
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, expected] of pattern.entries()) {
    const raw = actual[index];
    if (raw === undefined) return undefined;
    const label = LABEL.exec(expected)?.[1];
    if (label === undefined) {
      if (expected !== raw) return undefined;
      continue;
    }
    const decoded = decodeSegment(raw);
    if (decoded === undefined) return undefined;
    params[label] = decoded;
  }
  return params;
}

function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined; // malformed escape: treat as "no route", which the server records as unexpected
  }
}
