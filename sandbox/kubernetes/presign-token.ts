/**
 * Test helper: an EKS bearer token built the way `aws eks get-token` builds one — a presigned STS
 * `GetCallerIdentity` GET with the signed header `x-k8s-aws-id: <cluster>`, encoded as `k8s-aws-v1.` + unpadded
 * base64url of the URL. Signing is `@smithy/signature-v4`'s `presign`; the fake verifies with its own SigV4 code.
 * Sandbox only: the product has its own generator and must not borrow this one.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

export interface PresignTokenInput {
  clusterName: string;
  region?: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Default: now. */
  signingDate?: Date;
  /** `X-Amz-Expires`; get-token sends 60. */
  expiresIn?: number;
  /** Default `sts.<region>.amazonaws.com`. */
  hostname?: string;
}

export async function presignedStsUrl(input: PresignTokenInput): Promise<string> {
  const region = input.region ?? 'us-east-1';
  const hostname = input.hostname ?? `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: 'sts',
    region,
    credentials: input.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, 'x-k8s-aws-id': input.clusterName },
    },
    { expiresIn: input.expiresIn ?? 60, ...(input.signingDate ? { signingDate: input.signingDate } : {}) },
  );
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(signed.query ?? {})) {
    if (typeof value === 'string') query.append(key, value);
  }
  return `https://${hostname}/?${query.toString()}`;
}

export function tokenFromUrl(url: string): string {
  return `k8s-aws-v1.${Buffer.from(url, 'utf8').toString('base64url')}`;
}

export async function presignEksToken(input: PresignTokenInput): Promise<string> {
  return tokenFromUrl(await presignedStsUrl(input));
}
