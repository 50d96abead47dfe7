/**
 * What real STS checks on a presigned `GET /?Action=GetCallerIdentity&…&X-Amz-Signature=…` (the EKS token and the
 * `link` token, replayed with `x-k8s-aws-id`): SigV4 query auth with every signed header taken from the request as
 * it arrived — so a token signed for `x-k8s-aws-id: prod-cluster` fails when replayed with `eks-access-link` —
 * the date (15 minutes back, 5 minutes ahead), the key's secret and, for temporary keys, the session token.
 * The signature is recomputed with the fake's own node:crypto SigV4 code, not the SDK's signer.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { expectedSignature, signaturesMatch } from '../kubernetes/sigv4-presigned.ts';
import { QueryError } from './query-protocol.ts';

const LIFETIME_MS = 15 * 60_000;
const MAX_AHEAD_MS = 5 * 60_000;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export interface PresignedKey {
  secretAccessKey: string;
  /** Temporary keys: the `X-Amz-Security-Token` the query must carry. */
  sessionToken?: string;
}

/** Returns the access key id the signature proves; throws the QueryError STS would answer. */
export function verifyPresignedQuery(
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  options: { keyOf: (accessKeyId: string) => PresignedKey | undefined; now: number },
): string {
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    throw new QueryError(400, 'IncompleteSignature', 'X-Amz-Algorithm must be AWS4-HMAC-SHA256');
  }
  const credential = query.get('X-Amz-Credential') ?? '';
  const [accessKeyId = '', date = '', region = '', service = '', terminator, ...rest] = credential.split('/');
  const amzDate = query.get('X-Amz-Date') ?? '';
  const signedAt = amzDateMs(amzDate);
  if (signedAt === undefined || rest.length > 0 || service !== 'sts' || terminator !== 'aws4_request') {
    throw new QueryError(400, 'IncompleteSignature', 'The request signature is incomplete or malformed.');
  }
  if (options.now > signedAt + LIFETIME_MS) {
    const message = `Signature expired: ${amzDate} is now earlier than ${compact(options.now - LIFETIME_MS)} (${compact(options.now)} - 15 min.)`;
    throw new QueryError(403, 'SignatureDoesNotMatch', message);
  }
  if (signedAt > options.now + MAX_AHEAD_MS) {
    const message = `Signature not yet current: ${amzDate} is still later than ${compact(options.now + MAX_AHEAD_MS)} (${compact(options.now)} + 5 min.)`;
    throw new QueryError(403, 'SignatureDoesNotMatch', message);
  }
  const key = options.keyOf(accessKeyId);
  if (!key) throw new QueryError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  if (key.sessionToken !== undefined && query.get('X-Amz-Security-Token') !== key.sessionToken) {
    throw new QueryError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  }
  const signed = new Map<string, string>();
  for (const name of (query.get('X-Amz-SignedHeaders') ?? '').split(';')) {
    const value = headers[name];
    signed.set(name, Array.isArray(value) ? value.join(',') : (value ?? ''));
  }
  const expected = expectedSignature({
    query: [...query.entries()],
    headers: signed,
    amzDate,
    scope: credential.slice(accessKeyId.length + 1),
    region,
    service: 'sts',
    secretAccessKey: key.secretAccessKey,
  });
  if (date !== amzDate.slice(0, 8) || !signaturesMatch(expected, query.get('X-Amz-Signature') ?? '')) {
    const message =
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';
    throw new QueryError(403, 'SignatureDoesNotMatch', message);
  }
  return accessKeyId;
}

function amzDateMs(value: string): number | undefined {
  const match = AMZ_DATE.exec(value);
  if (!match) return undefined;
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function compact(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
