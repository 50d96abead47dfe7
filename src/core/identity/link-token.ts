/**
 * Proof of identity (`link`): the token `aws eks get-token --cluster-name eks-access-link` prints, read and checked
 * before anything is sent anywhere. The token is `k8s-aws-v1.` + unpadded base64url of a presigned STS
 * `GetCallerIdentity` GET whose SigV4 signature also covers the header `x-k8s-aws-id: <cluster name>`.
 *
 * What this can check locally is the shape aws-iam-authenticator checks (pkg/token/token.go `Verify`): https, a
 * genuine STS host, path `/`, the allowed query keys, the action, that `x-k8s-aws-id` is among the signed headers, and
 * the age (15 minutes after `X-Amz-Date`, which is what STS honours whatever `X-Amz-Expires` says). It cannot read
 * the *value* the header was signed with: only the header's name is in the URL. The value is checked by STS itself,
 * when the bot replays the query with `x-k8s-aws-id: eks-access-link` — a token made for a real cluster name then
 * fails the signature check, so a token pasted to the bot is useless against any cluster, and one made for a
 * cluster cannot be used to link.
 *
 * The host is only ever checked, never fetched: the bot sends the query to the STS endpoint the SDK resolves for the
 * token's Region. Pure: the caller passes the clock and the partition data.
 */

export const LINK_TOKEN_PREFIX = 'k8s-aws-v1.';
/** The cluster name people pass to `aws eks get-token`; the bot replays the query with this `x-k8s-aws-id`. */
export const LINK_AUDIENCE = 'eks-access-link';
export const LINK_AUDIENCE_HEADER = 'x-k8s-aws-id';
/** aws-iam-authenticator's limit on a token. */
export const MAX_LINK_TOKEN_BYTES = 4096;
/** STS accepts a presigned URL for 15 minutes after `X-Amz-Date`. */
export const LINK_TOKEN_LIFETIME_MS = 15 * 60_000;
/** A token dated further ahead than this is refused ("Signature not yet current" at STS). */
export const LINK_TOKEN_MAX_AHEAD_MS = 5 * 60_000;

/** What the SDK's partition data says about a Region: its partition and the domains of its regional hosts. */
export interface RegionPartition {
  partition: string;
  dnsSuffix: string;
  dualStackDnsSuffix: string;
}

/** Region → partition, from the AWS SDK's endpoint data (src/config/partition.ts); undefined: not a Region. */
export type PartitionOfRegion = (region: string) => RegionPartition | undefined;

/** How the token's host was reached, so the bot asks the SDK for the same kind of endpoint. */
export interface StsEndpointKind {
  /** `sts.amazonaws.com`: the global endpoint (signing Region us-east-1). */
  global: boolean;
  fips: boolean;
  dualStack: boolean;
}

/** A token that passed every local check. Holds the token text: keep it in memory only, never store or log it. */
export interface LinkToken {
  /** The token as pasted (`k8s-aws-v1.…`), trimmed: what the replay digest is computed from. */
  token: string;
  host: string;
  region: string;
  partition: string;
  endpoint: StsEndpointKind;
  /** The query parameters, decoded, in the token's order (signature included): replayed as they are. */
  query: ReadonlyArray<readonly [string, string]>;
  /** `X-Amz-Date`, epoch ms. */
  signedAt: number;
  /** When STS stops accepting it: `signedAt` + 15 minutes. */
  expiresAt: number;
}

export type LinkTokenRefusalCode =
  | 'malformed'
  | 'not_sts_host'
  | 'wrong_action'
  | 'header_not_signed'
  | 'expired'
  | 'future_dated';

export interface LinkTokenRefusal {
  kind: 'refused';
  code: LinkTokenRefusalCode;
  /** For the person; never contains the token. */
  detail: string;
}

export function isLinkTokenRefusal(value: LinkToken | LinkTokenRefusal): value is LinkTokenRefusal {
  return 'kind' in value && value.kind === 'refused';
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
const TOKEN = /^k8s-aws-v1\.[A-Za-z0-9_-]+$/;
/** `https://host/?query` with nothing else: no userinfo, no port, no fragment, path exactly `/`. */
const URL_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/;
const HOST = /^[a-z0-9.-]+$/;
/** A Region name as AWS spells them (`us-east-1`, `cn-north-1`, `us-isob-east-1`, `eusc-de-east-1`). */
const REGION = /^[a-z]{2,5}(?:-[a-z]+)+-\d{1,2}$/;
const REGIONAL_STS = /^sts(-fips)?\.([a-z0-9-]+)\.(.+)$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

/**
 * The token in what the person pasted: the bare token (whitespace, backticks or quotes around it are fine) or the
 * JSON `aws eks get-token --output json` prints (an ExecCredential with `status.token`). Undefined: no token there.
 */
export function extractLinkToken(pasted: string): string | undefined {
  const text = pasted.trim();
  if (text.startsWith('{') || /^`+\s*\{/.test(text)) {
    const json = text.replace(/^`+(?:json)?\s*/, '').replace(/\s*`+$/, '');
    try {
      const parsed: unknown = JSON.parse(json);
      const token = (parsed as { status?: { token?: unknown } } | null)?.status?.token;
      return typeof token === 'string' ? token.trim() : undefined;
    } catch {
      return undefined;
    }
  }
  const bare = text.replace(/^[`'"\s]+/, '').replace(/[`'"\s]+$/, '');
  return bare.startsWith(LINK_TOKEN_PREFIX) ? bare : undefined;
}

/** True when the text holds something that looks like an EKS token anywhere (so it is never read as a request). */
export function mentionsLinkToken(text: string): boolean {
  return text.includes(LINK_TOKEN_PREFIX);
}

/** Checks a pasted token; `now` is the caller's clock (epoch ms). */
export function parseLinkToken(
  pasted: string,
  options: { now: number; partitionOf: PartitionOfRegion },
): LinkToken | LinkTokenRefusal {
  const token = extractLinkToken(pasted);
  if (token === undefined) return refuse('malformed', `that is not a token: it must start with ${LINK_TOKEN_PREFIX}`);
  if (token.length > MAX_LINK_TOKEN_BYTES)
    return refuse('malformed', `the token is longer than ${MAX_LINK_TOKEN_BYTES} bytes`);
  if (!TOKEN.test(token)) return refuse('malformed', 'the token has characters base64url does not use');
  const encoded = token.slice(LINK_TOKEN_PREFIX.length);
  // Go's base64.RawURLEncoding, as the authenticator decodes: a length of 4n+1 is impossible.
  if (encoded.length % 4 === 1) return refuse('malformed', 'the token is cut short (not valid base64url)');
  const url = decodeBase64Url(encoded);
  if (url === undefined) return refuse('malformed', 'the token does not decode to text');
  const shape = URL_SHAPE.exec(url);
  if (!shape) return refuse('malformed', 'the token does not hold a URL');
  const [, scheme = '', authority = '', path = '', rawQuery = ''] = shape;
  if (scheme !== 'https') return refuse('not_sts_host', `the token's URL is ${scheme}, not https`);
  const host = stsHost(authority, options.partitionOf);
  if (host === undefined) return refuse('not_sts_host', 'the token is not for an AWS STS endpoint');
  if (path !== '/') return refuse('not_sts_host', "the token's URL has a path other than /");

  const query = parseQuery(rawQuery);
  if (typeof query === 'string') return refuse('malformed', query);
  const param = (name: string) => query.find(([key]) => key.toLowerCase() === name)?.[1];
  if (param('action') !== 'GetCallerIdentity' || param('version') !== '2011-06-15') {
    return refuse('wrong_action', 'the token is not a signed sts:GetCallerIdentity (Version 2011-06-15)');
  }
  if (param('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') return refuse('malformed', 'the token is not signed with SigV4');
  const signedHeaders = (param('x-amz-signedheaders') ?? '').split(';');
  if (!signedHeaders.includes(LINK_AUDIENCE_HEADER) || !signedHeaders.includes('host')) {
    return refuse(
      'header_not_signed',
      `the token does not sign ${LINK_AUDIENCE_HEADER}: make it with aws eks get-token --cluster-name ${LINK_AUDIENCE}`,
    );
  }
  const amzDate = param('x-amz-date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) return refuse('malformed', 'the token has no valid X-Amz-Date');
  const expires = param('x-amz-expires');
  if (expires !== undefined && (!/^\d{1,3}$/.test(expires) || Number(expires) > 900)) {
    return refuse('malformed', 'the token has an X-Amz-Expires outside 0–900');
  }
  if (!SIGNATURE.test(param('x-amz-signature') ?? '')) return refuse('malformed', 'the token has no valid signature');
  const scope = (param('x-amz-credential') ?? '').split('/');
  const [accessKeyId = '', date, region, service, terminator, ...rest] = scope;
  if (accessKeyId === '' || rest.length > 0 || service !== 'sts' || terminator !== 'aws4_request') {
    return refuse('malformed', 'the token has no valid credential scope');
  }
  if (date !== amzDate.slice(0, 8) || region !== host.region) {
    return refuse('malformed', "the token's credential scope does not match its date or Region");
  }
  if (options.now > signedAt + LINK_TOKEN_LIFETIME_MS) {
    return refuse('expired', 'the token is over 15 minutes old: make a new one and paste it right away');
  }
  if (signedAt > options.now + LINK_TOKEN_MAX_AHEAD_MS) {
    return refuse('future_dated', "the token is dated in the future: check your computer's clock (date -u)");
  }
  return {
    token,
    host: host.host,
    region: host.region,
    partition: host.partition,
    endpoint: host.endpoint,
    query,
    signedAt,
    expiresAt: signedAt + LINK_TOKEN_LIFETIME_MS,
  };
}

interface StsHost {
  host: string;
  region: string;
  partition: string;
  endpoint: StsEndpointKind;
}

/**
 * The STS host allow-list: `sts.amazonaws.com` (aws partition, us-east-1), and `sts[-fips].<region>.<suffix>` where
 * the Region is a Region name, and the suffix is that Region's partition DNS suffix (or its dual-stack suffix) in the
 * SDK data. Nothing else: no userinfo, no port, no upper case, no trailing dot, no IP address.
 */
export function stsHost(authority: string, partitionOf: PartitionOfRegion): StsHost | undefined {
  if (!HOST.test(authority)) return undefined;
  if (authority === 'sts.amazonaws.com') {
    const endpoint = { global: true, fips: false, dualStack: false };
    return { host: authority, region: 'us-east-1', partition: 'aws', endpoint };
  }
  const match = REGIONAL_STS.exec(authority);
  if (!match) return undefined;
  const [, fips, region = '', suffix = ''] = match;
  if (!REGION.test(region)) return undefined;
  const known = partitionOf(region);
  if (known === undefined) return undefined;
  const dualStack = suffix === known.dualStackDnsSuffix;
  if (suffix !== known.dnsSuffix && !dualStack) return undefined;
  const endpoint = { global: false, fips: fips !== undefined, dualStack };
  return { host: authority, region, partition: known.partition, endpoint };
}

function decodeBase64Url(encoded: string): string | undefined {
  const bytes = base64UrlBytes(encoded);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// No Buffer in the core: a small decoder for the URL-safe alphabet (the input is already checked to use it).
function base64UrlBytes(encoded: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of encoded) {
    value = (value << 6) | ALPHABET.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** Go's `url.ParseQuery` (`+` is a space), then the authenticator's allow-list and each-key-once rule. */
function parseQuery(raw: string): Array<readonly [string, string]> | string {
  const pairs: Array<readonly [string, string]> = [];
  const seen = new Set<string>();
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const index = part.indexOf('=');
    const [key, value] = index < 0 ? [part, ''] : [part.slice(0, index), part.slice(index + 1)];
    const decodedKey = decodeComponent(key);
    const decodedValue = decodeComponent(value);
    if (decodedKey === undefined || decodedValue === undefined) return 'the token has a malformed query';
    const lower = decodedKey.toLowerCase();
    if (!ALLOWED_KEYS.has(lower))
      return `the token has a query parameter STS tokens do not carry (${decodedKey.slice(0, 40)})`;
    if (seen.has(lower)) return `the token has ${decodedKey} twice`;
    seen.add(lower);
    pairs.push([decodedKey, decodedValue]);
  }
  return pairs;
}

function decodeComponent(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return undefined;
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
  const valid = check.getUTCMonth() === month - 1 && check.getUTCDate() === day && hour < 24 && minute < 60;
  return valid && second < 60 ? time : undefined;
}

function refuse(code: LinkTokenRefusalCode, detail: string): LinkTokenRefusal {
  return { kind: 'refused', code, detail };
}

/** The text with every token cut to its prefix: what may be kept once the message has been answered. */
export function redactLinkTokens(text: string): string {
  return text.replace(/k8s-aws-v1\.[A-Za-z0-9_-]*/g, `${LINK_TOKEN_PREFIX}[removed]`);
}
