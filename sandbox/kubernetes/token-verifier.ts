/**
 * The EKS bearer-token check of the Kubernetes API fake: the shape checks aws-iam-authenticator's `Verify` makes
 * (pkg/token/token.go), then what STS itself would check when the authenticator forwards the presigned
 * `GetCallerIdentity` URL with `x-k8s-aws-id: <its own cluster name>` — scope, key, session token and the SigV4
 * signature. STS is never called: the access key id is looked up in the fake's credential table.
 */

import { regionPartition } from '../aws/eks-model.ts';
import { expectedSignature, type PresignedGet, signaturesMatch } from './sigv4-presigned.ts';

export const TOKEN_PREFIX = 'k8s-aws-v1.';
export const MAX_TOKEN_BYTES = 4096;
/** STS accepts a presigned URL for 15 minutes after `X-Amz-Date`, whatever `X-Amz-Expires` says. */
export const TOKEN_LIFETIME_MS = 15 * 60_000;
/** How far `X-Amz-Date` may be ahead of the server clock ("Signature not yet current" beyond it). */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

export interface TokenCredential {
  secretAccessKey: string;
  /** The caller's ARN as STS `GetCallerIdentity` would return it (a session ARN for assumed roles). */
  arn: string;
  /** For temporary (ASIA…) keys: the token must carry this `X-Amz-Security-Token`. */
  sessionToken?: string;
}

export type TokenRejectionReason =
  | 'missing-token'
  | 'too-long'
  | 'bad-prefix'
  | 'bad-base64'
  | 'bad-url'
  | 'bad-scheme'
  | 'bad-host'
  | 'bad-path'
  | 'bad-query'
  | 'query-key-not-allowed'
  | 'duplicate-query-key'
  | 'bad-action'
  | 'cluster-id-not-signed'
  | 'bad-expires'
  | 'missing-date'
  | 'bad-date'
  | 'expired'
  | 'not-yet-valid'
  | 'bad-algorithm'
  | 'bad-credential-scope'
  | 'bad-signed-headers'
  | 'unknown-access-key'
  | 'bad-security-token'
  | 'signature-mismatch';

export interface AcceptedToken {
  accessKeyId: string;
  credential: TokenCredential;
  /** The STS Region the token was signed for (`us-east-1` for the global endpoint). */
  region: string;
  /** `X-Amz-Date` as epoch milliseconds. */
  signedAt: number;
}

export type TokenVerdict =
  | { ok: true; token: AcceptedToken }
  | { ok: false; reason: TokenRejectionReason; detail: string };

export interface VerifyTokenOptions {
  /** The name this API server verifies against (sent by the authenticator as `x-k8s-aws-id`). */
  clusterName: string;
  /** The partition of the cluster: only STS hosts of that partition are accepted. */
  partition: string;
  credentials: Pick<ReadonlyMap<string, TokenCredential>, 'get'>;
  now: number;
}

const ALLOWED_KEYS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

const DOMAIN: Record<string, string> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
};
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** `scheme://host[/path][?query]`, no userinfo or fragment (the authenticator sends the URL to STS as it is). */
const URL_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#@]*)(\/[^?#]*)?(?:\?([^#]*))?$/;

class Rejection extends Error {
  readonly reason: TokenRejectionReason;

  constructor(reason: TokenRejectionReason, detail: string) {
    super(detail);
    this.reason = reason;
  }
}

const reject = (reason: TokenRejectionReason, detail: string): never => {
  throw new Rejection(reason, detail);
};

/** `authorization` is the raw `Authorization` header value. */
export function verifyEksToken(authorization: string | undefined, options: VerifyTokenOptions): TokenVerdict {
  try {
    return { ok: true, token: verify(authorization, options) };
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    return { ok: false, reason: error.reason, detail: error.message };
  }
}

function verify(authorization: string | undefined, options: VerifyTokenOptions): AcceptedToken {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1] ?? reject('missing-token', 'no bearer token');
  if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) reject('too-long', `token is ${Buffer.byteLength(token)} bytes`);
  if (!token.startsWith(TOKEN_PREFIX)) reject('bad-prefix', `token is missing the ${TOKEN_PREFIX} prefix`);
  const url = decodeRawUrlBase64(token.slice(TOKEN_PREFIX.length));
  const [, scheme, host = '', path = '', rawQuery = ''] = URL_SHAPE.exec(url) ?? reject('bad-url', 'not a URL');
  if (scheme !== 'https') reject('bad-scheme', `unexpected scheme ${scheme}`);
  const hostRegion = stsHostRegion(host, options.partition) ?? reject('bad-host', `unexpected hostname ${host}`);
  if (path !== '/') reject('bad-path', `unexpected path ${path || '(empty)'}`);
  const query = parseQuery(rawQuery);
  const param = (name: string) => query.find(([key]) => key.toLowerCase() === name)?.[1];

  if (param('action') !== 'GetCallerIdentity') reject('bad-action', `Action=${param('action')}`);
  const signedHeaders = param('x-amz-signedheaders') ?? '';
  if (!signedHeaders.split(';').some((name) => name.toLowerCase() === 'x-k8s-aws-id')) {
    reject('cluster-id-not-signed', `SignedHeaders=${signedHeaders}`);
  }
  const expires = param('x-amz-expires') ?? '';
  if (!/^\d{1,3}$/.test(expires) || Number(expires) > 900) reject('bad-expires', `X-Amz-Expires=${expires}`);
  const amzDate = param('x-amz-date') ?? reject('missing-date', 'X-Amz-Date is missing');
  const signedAt = parseAmzDate(amzDate) ?? reject('bad-date', `X-Amz-Date=${amzDate}`);
  if (options.now > signedAt + TOKEN_LIFETIME_MS) reject('expired', `X-Amz-Date ${amzDate} is over 15 minutes old`);
  if (signedAt > options.now + MAX_CLOCK_AHEAD_MS) reject('not-yet-valid', `X-Amz-Date ${amzDate} is in the future`);

  // From here on: what STS checks when the authenticator forwards the URL.
  if (param('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') reject('bad-algorithm', `${param('x-amz-algorithm')}`);
  const credential = param('x-amz-credential') ?? '';
  const [accessKeyId = '', date, region, service, terminator, ...rest] = credential.split('/');
  if (date !== amzDate.slice(0, 8) || region !== hostRegion || service !== 'sts' || terminator !== 'aws4_request') {
    reject('bad-credential-scope', `X-Amz-Credential=${credential}`);
  }
  if (rest.length > 0 || accessKeyId === '') reject('bad-credential-scope', `X-Amz-Credential=${credential}`);
  const names = signedHeaders.split(';');
  const sorted = [...new Set(names)].sort();
  if (names.join(';') !== sorted.join(';') || names.some((name) => name !== 'host' && name !== 'x-k8s-aws-id')) {
    // The authenticator sends only `host` and `x-k8s-aws-id` (plus `accept`, which a client cannot have signed).
    reject('bad-signed-headers', `SignedHeaders=${signedHeaders}`);
  }
  if (!names.includes('host')) reject('bad-signed-headers', 'host is not signed');
  const known = options.credentials.get(accessKeyId) ?? reject('unknown-access-key', `unknown key ${accessKeyId}`);
  if (param('x-amz-security-token') !== known.sessionToken) reject('bad-security-token', 'session token mismatch');

  const presigned: PresignedGet = {
    query,
    headers: new Map([
      ['host', host],
      ['x-k8s-aws-id', options.clusterName],
    ]),
    amzDate,
    scope: credential.slice(accessKeyId.length + 1),
    region: hostRegion,
    service: 'sts',
    secretAccessKey: known.secretAccessKey,
  };
  if (!signaturesMatch(expectedSignature(presigned), param('x-amz-signature') ?? '')) {
    reject('signature-mismatch', 'the signature does not match (wrong secret, or signed for another cluster name)');
  }
  return { accessKeyId, credential: known, region: hostRegion, signedAt };
}

function decodeRawUrlBase64(encoded: string): string {
  // Go's base64.RawURLEncoding: URL alphabet, no padding; a length of 4n+1 cannot be produced by an encoder.
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) reject('bad-base64', 'not unpadded base64url');
  return Buffer.from(encoded, 'base64url').toString('utf8');
}

/** The signing Region for an STS host of `partition`, or undefined if the host is not STS there. */
export function stsHostRegion(host: string, partition: string): string | undefined {
  const domain = DOMAIN[partition];
  if (domain === undefined) return undefined;
  if (partition === 'aws' && host === 'sts.amazonaws.com') return 'us-east-1';
  const match = /^sts(?:-fips)?\.([a-z0-9-]+)\.(.+)$/.exec(host);
  const [, region = '', suffix] = match ?? [];
  if (!REGION.test(region) || (suffix !== domain && suffix !== 'api.aws')) return undefined;
  if (regionPartition(region) !== partition) return undefined;
  return region;
}

/** Go's `url.ParseQuery` semantics (`+` is a space), then the authenticator's allow-list and each-key-once rule. */
function parseQuery(raw: string): [string, string][] {
  const pairs: [string, string][] = [];
  const seen = new Set<string>();
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const index = part.indexOf('=');
    const [key, value] = index < 0 ? [part, ''] : [part.slice(0, index), part.slice(index + 1)];
    const decodedKey = decodeQueryComponent(key);
    const lower = decodedKey.toLowerCase();
    if (!ALLOWED_KEYS.has(lower)) reject('query-key-not-allowed', `query parameter ${decodedKey} is not allowed`);
    if (seen.has(lower)) reject('duplicate-query-key', `query parameter ${decodedKey} appears twice`);
    seen.add(lower);
    pairs.push([decodedKey, decodeQueryComponent(value)]);
  }
  return pairs;
}

function decodeQueryComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return reject('bad-query', `malformed escape in ${raw}`);
  }
}

function parseAmzDate(value: string): number | undefined {
  const match = AMZ_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(time);
  return check.getUTCMonth() === month - 1 && check.getUTCDate() === day && hour < 24 && minute < 60 && second < 60
    ? time
    : undefined;
}
