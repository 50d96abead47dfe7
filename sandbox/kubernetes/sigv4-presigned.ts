/**
 * SigV4 for a presigned (query-string) GET, computed with node:crypto only, as the STS side of the EKS token check
 * would: an implementation independent of `@smithy/signature-v4`, so a signer bug is not mirrored by the fake.
 *
 *   canonical request = GET \n / \n <canonical query> \n <canonical headers> \n \n <signed headers> \n <payload hash>
 *   canonical query   = every parameter except X-Amz-Signature as rfc3986(key)=rfc3986(value), sorted by encoded key
 *                       (then encoded value), joined with `&`
 *   canonical headers = one `name:trimmed value` line per signed header, sorted by name
 *   payload hash      = hex SHA-256 of the empty body (`e3b0c442…b855`): what botocore's SigV4QueryAuth (aws-cli
 *                       get-token), aws-sdk-go v1 `Presign` (aws-iam-authenticator) and smithy `presign` all sign for a
 *                       bodiless STS GET. `UNSIGNED-PAYLOAD` is S3's presign convention, not STS's.
 *   string to sign    = AWS4-HMAC-SHA256 \n <X-Amz-Date> \n <yyyymmdd>/<region>/<service>/aws4_request \n hex(SHA-256(cr))
 *   signing key       = HMAC chain over "AWS4"+secret: date, region, service, "aws4_request"
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface PresignedGet {
  /** Query parameters as decoded from the URL, each key once. */
  query: ReadonlyArray<readonly [string, string]>;
  /** Signed header name (lower case) → the value the verifier supplies. */
  headers: ReadonlyMap<string, string>;
  /** `X-Amz-Date`, e.g. `20250101T120000Z`. */
  amzDate: string;
  /** `<yyyymmdd>/<region>/<service>/aws4_request` */
  scope: string;
  region: string;
  service: string;
  secretAccessKey: string;
}

/** RFC 3986 encoding as SigV4 requires: everything but `A-Z a-z 0-9 - _ . ~` is percent-encoded (upper-case hex). */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQuery(query: ReadonlyArray<readonly [string, string]>): string {
  return query
    .filter(([key]) => key.toLowerCase() !== 'x-amz-signature')
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([ak, av], [bk, bv]) => compare(ak, bk) || compare(av, bv))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

export function canonicalRequest(request: PresignedGet): string {
  const names = [...request.headers.keys()].sort(compare);
  const headerLines = names.map((name) => `${name}:${trimAll(request.headers.get(name) ?? '')}\n`).join('');
  return ['GET', '/', canonicalQuery(request.query), headerLines, names.join(';'), EMPTY_PAYLOAD_SHA256].join('\n');
}

export function stringToSign(request: PresignedGet): string {
  const hashed = createHash('sha256').update(canonicalRequest(request), 'utf8').digest('hex');
  return ['AWS4-HMAC-SHA256', request.amzDate, request.scope, hashed].join('\n');
}

export function expectedSignature(request: PresignedGet): string {
  let key: Buffer = Buffer.from(`AWS4${request.secretAccessKey}`, 'utf8');
  for (const part of [request.amzDate.slice(0, 8), request.region, request.service, 'aws4_request']) {
    key = createHmac('sha256', key).update(part, 'utf8').digest();
  }
  return createHmac('sha256', key).update(stringToSign(request), 'utf8').digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function signaturesMatch(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(actual, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function trimAll(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/** Code-unit order, as SigV4 sorts (not locale order). */
function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
