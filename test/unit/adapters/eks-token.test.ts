import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEksToken } from '../../../src/adapters/kubernetes/eks-token.ts';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const NOW = Date.UTC(2026, 10, 29, 5, 30, 0);

function decode(token: string): URL {
  return new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
}

/**
 * SigV4 for a presigned GET, written out from the AWS spec, independent of the signing library. The payload
 * hash is that of the empty body, as aws-iam-authenticator's own generator signs (aws-cli writes
 * UNSIGNED-PAYLOAD instead; STS accepts both).
 */
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
function expectedSignature(url: URL, clusterName: string, secret: string): string {
  const params = [...url.searchParams].filter(([k]) => k !== 'X-Amz-Signature');
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = params
    .map(([k, v]): [string, string] => [enc(k), enc(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [
    'GET',
    '/',
    query,
    `host:${url.host}\nx-k8s-aws-id:${clusterName}\n`,
    'host;x-k8s-aws-id',
    EMPTY_BODY_SHA256,
  ].join('\n');
  const date = url.searchParams.get('X-Amz-Date') ?? '';
  const scope = `${date.slice(0, 8)}/us-east-1/sts/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(date.slice(0, 8)).digest();
  for (const part of ['us-east-1', 'sts', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('EKS bearer token', () => {
  it('has the shape `aws eks get-token` prints', async () => {
    const { token, expiresAt } = await createEksToken({
      clusterName: 'prod-cluster',
      region: 'us-east-1',
      dnsSuffix: 'amazonaws.com',
      credentials: CREDENTIALS,
      now: NOW,
    });

    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    expect(token.length).toBeLessThanOrEqual(4096);
    const url = decode(token);
    expect(url.origin).toBe('https://sts.us-east-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261129/us-east-1/sts/aws4_request',
      'X-Amz-Date': '20261129T053000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
    });
    expect([...url.searchParams.keys()].sort()).toEqual(
      [
        'Action',
        'Version',
        'X-Amz-Algorithm',
        'X-Amz-Credential',
        'X-Amz-Date',
        'X-Amz-Expires',
        'X-Amz-Signature',
        'X-Amz-SignedHeaders',
      ].sort(),
    );
    expect(expiresAt).toBe(NOW + 14 * 60_000);
  });

  it('signs the cluster name: the signature verifies for that cluster only', async () => {
    const { token } = await createEksToken({
      clusterName: 'prod-cluster',
      region: 'us-east-1',
      dnsSuffix: 'amazonaws.com',
      credentials: CREDENTIALS,
      now: NOW,
    });
    const url = decode(token);
    const signature = url.searchParams.get('X-Amz-Signature');

    expect(signature).toBe(expectedSignature(url, 'prod-cluster', CREDENTIALS.secretAccessKey));
    expect(signature).not.toBe(expectedSignature(url, 'other-cluster', CREDENTIALS.secretAccessKey));
  });

  it('carries the session token of temporary credentials and uses the partition’s STS host', async () => {
    const { token } = await createEksToken({
      clusterName: 'c',
      region: 'cn-north-1',
      dnsSuffix: 'amazonaws.com.cn',
      credentials: { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzEXAMPLE//+=' },
      now: NOW,
    });
    const url = decode(token);

    expect(url.host).toBe('sts.cn-north-1.amazonaws.com.cn');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('FwoGZXIvYXdzEXAMPLE//+=');
  });
});
