import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';

/** Tokens are presigned for 60 s like `aws eks get-token`; the API server accepts them for 15 min after X-Amz-Date. */
export const EKS_TOKEN_PRESIGN_SECONDS = 60;
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** The header the API server supplies when it replays the URL to STS: a token made for another cluster fails. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';

export interface EksTokenInput {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentity;
  /** Epoch milliseconds used as the signing time. */
  now: number;
  /** DNS suffix of the Region's partition (amazonaws.com, amazonaws.com.cn, …): the STS host is built from it. */
  dnsSuffix: string;
}

/**
 * The bearer token `aws eks get-token` prints: `k8s-aws-v1.` + base64url (no padding) of a presigned
 * STS GetCallerIdentity GET against the regional endpoint, with `x-k8s-aws-id: <cluster>` signed but not sent.
 * The host always comes from the region, never from AWS_ENDPOINT_URL_STS: only the API server calls it.
 */
export async function createEksToken(input: EksTokenInput): Promise<{ token: string; expiresAt: number }> {
  const hostname = `sts.${input.region}.${input.dnsSuffix}`;
  const signer = new SignatureV4({
    service: 'sts',
    region: input.region,
    credentials: input.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, [CLUSTER_ID_HEADER]: input.clusterName },
    },
    { expiresIn: EKS_TOKEN_PRESIGN_SECONDS, signingDate: new Date(input.now) },
  );
  const query = Object.entries(presigned.query ?? {})
    .map(([key, value]) => `${rfc3986(key)}=${rfc3986(String(value))}`)
    .join('&');
  const url = `https://${hostname}/?${query}`;
  return {
    token: `${EKS_TOKEN_PREFIX}${Buffer.from(url, 'utf8').toString('base64url')}`,
    // The API server honours the token for 15 minutes from X-Amz-Date; refresh well before.
    expiresAt: input.now + 14 * 60_000,
  };
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
