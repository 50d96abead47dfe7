import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presignEksToken } from '../../../sandbox/kubernetes/presign-token.ts';
import { canonicalQuery } from '../../../sandbox/kubernetes/sigv4-presigned.ts';
import { stsHostRegion, type TokenCredential, verifyEksToken } from '../../../sandbox/kubernetes/token-verifier.ts';

// Produced by `aws eks get-token --cluster-name demo-cluster --region eu-west-1` (aws-cli 1.45.11, botocore 1.43.11)
// with AWS_ACCESS_KEY_ID=ASIADEXAMPLE0000001 and the secret below; the second one also had AWS_SESSION_TOKEN set.
const CLI_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const CLI_SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEKz//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+example/token==';
const CLI_TOKEN =
  'k8s-aws-v1.aHR0cHM6Ly9zdHMuZXUtd2VzdC0xLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BU0lBREVYQU1QTEUwMDAwMDAxJTJGMjAyNjExMjklMkZldS13ZXN0LTElMkZzdHMlMkZhd3M0X3JlcXVlc3QmWC1BbXotRGF0ZT0yMDI2MTEyOVQwNTU4NTFaJlgtQW16LUV4cGlyZXM9NjAmWC1BbXotU2lnbmVkSGVhZGVycz1ob3N0JTNCeC1rOHMtYXdzLWlkJlgtQW16LVNpZ25hdHVyZT00NTY3ODMwZDdjYTQ1NGM2NDg2YzcyZGViMTQ5ZjllYTkyODczYmI2M2U3Y2UwZmM1OTkzYTI2NGNjMzRhNTc3';
const CLI_SESSION_TOKEN_TOKEN =
  'k8s-aws-v1.aHR0cHM6Ly9zdHMuZXUtd2VzdC0xLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BU0lBREVYQU1QTEUwMDAwMDAxJTJGMjAyNjExMjklMkZldS13ZXN0LTElMkZzdHMlMkZhd3M0X3JlcXVlc3QmWC1BbXotRGF0ZT0yMDI2MTEyOVQwNTU4NTJaJlgtQW16LUV4cGlyZXM9NjAmWC1BbXotU2lnbmVkSGVhZGVycz1ob3N0JTNCeC1rOHMtYXdzLWlkJlgtQW16LVNlY3VyaXR5LVRva2VuPUlRb0piM0pwWjJsdVgyVmpFS3olMkYlMkYlMkYlMkYlMkYlMkYlMkYlMkYlMkYlMkZ3RWFDWFZ6TFdWaGMzUXRNU0pITUVVQ0lRRCUyQmV4YW1wbGUlMkZ0b2tlbiUzRCUzRCZYLUFtei1TaWduYXR1cmU9MmYwM2JiYzE0MWI3ZGVmN2ZkYzE5MDFkMGVjNTgyZWNmMDQ5YTkzMWJhMGZjZWE3MGY4ZmU1YmFkNmJmNWJiNg';
/** X-Amz-Date of the first CLI token: 20261129T055851Z. */
const CLI_SIGNED_AT = Date.UTC(2026, 10, 29, 5, 58, 51);
const MINUTE = 60_000;

function options(credential: TokenCredential, now: number, clusterName = 'demo-cluster') {
  return { clusterName, partition: 'aws', now, credentials: new Map([['ASIADEXAMPLE0000001', credential]]) };
}

describe('verifyEksToken against tokens from aws-cli get-token', () => {
  const plain = { secretAccessKey: CLI_SECRET, arn: 'arn:aws:iam::111122223333:user/alice' };
  const session = { ...plain, sessionToken: CLI_SESSION_TOKEN };

  it('accepts both tokens: the SigV4 canonicalization matches botocore byte for byte', () => {
    expect(verifyEksToken(`Bearer ${CLI_TOKEN}`, options(plain, CLI_SIGNED_AT + MINUTE))).toMatchObject({
      ok: true,
      token: { accessKeyId: 'ASIADEXAMPLE0000001', region: 'eu-west-1', signedAt: CLI_SIGNED_AT },
    });
    expect(verifyEksToken(`Bearer ${CLI_SESSION_TOKEN_TOKEN}`, options(session, CLI_SIGNED_AT + MINUTE)).ok).toBe(true);
  });

  it.each([
    ['another cluster name', CLI_TOKEN, options(plain, CLI_SIGNED_AT, 'other-cluster'), 'signature-mismatch'],
    [
      'another secret',
      CLI_TOKEN,
      options({ ...plain, secretAccessKey: `${CLI_SECRET}x` }, CLI_SIGNED_AT),
      'signature-mismatch',
    ],
    ['15 minutes and a second later', CLI_TOKEN, options(plain, CLI_SIGNED_AT + 15 * MINUTE + 1_000), 'expired'],
    ['a clock 6 minutes behind', CLI_TOKEN, options(plain, CLI_SIGNED_AT - 6 * MINUTE), 'not-yet-valid'],
    ['a key that needs a session token', CLI_TOKEN, options(session, CLI_SIGNED_AT), 'bad-security-token'],
    [
      'another session token',
      CLI_SESSION_TOKEN_TOKEN,
      options({ ...session, sessionToken: 'other' }, CLI_SIGNED_AT),
      'bad-security-token',
    ],
  ])('rejects a valid token checked with %s', (_case, token, verifyOptions, reason) => {
    expect(verifyEksToken(`Bearer ${token}`, verifyOptions)).toMatchObject({ ok: false, reason });
  });

  it('rejects a padded or standard-alphabet encoding of the same URL', () => {
    const url = Buffer.from(CLI_TOKEN.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
    const unaligned = url.length % 3 === 0 ? `${url}&` : url; // an empty `&` part is ignored by the query parser
    const padded = `k8s-aws-v1.${Buffer.from(unaligned).toString('base64')}`;

    expect(padded).toMatch(/=$/);
    expect(verifyEksToken(`Bearer ${padded}`, options(plain, CLI_SIGNED_AT))).toMatchObject({ reason: 'bad-base64' });
  });
});

describe('verifyEksToken against @smithy/signature-v4 presign', () => {
  it('accepts any token presigned for its cluster and key, and rejects it for any other cluster name', async () => {
    const name = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,99}$/);
    await fc.assert(
      fc.asyncProperty(name, name, fc.string({ minLength: 1, maxLength: 60 }), async (cluster, other, secret) => {
        fc.pre(cluster !== other);
        const signingDate = new Date(Date.UTC(2025, 0, 1, 12));
        const credentials = { accessKeyId: 'AKIAPROPERTY00000001', secretAccessKey: secret };
        const token = await presignEksToken({
          clusterName: cluster,
          region: 'ap-southeast-2',
          credentials,
          signingDate,
        });
        const check = (clusterName: string) =>
          verifyEksToken(`Bearer ${token}`, {
            clusterName,
            partition: 'aws',
            now: signingDate.getTime(),
            credentials: new Map([[credentials.accessKeyId, { secretAccessKey: secret, arn: 'x' }]]),
          });

        expect(check(cluster).ok).toBe(true);
        expect(check(other)).toMatchObject({ ok: false, reason: 'signature-mismatch' });
      }),
      { numRuns: 40 },
    );
  });
});

describe('canonicalQuery', () => {
  it('RFC 3986-encodes keys and values, sorts by encoded key and leaves out X-Amz-Signature', () => {
    const query: [string, string][] = [
      ['X-Amz-Security-Token', 'a+b/c=d ~*'],
      ['X-Amz-Signature', 'ignored'],
      ['Action', 'GetCallerIdentity'],
      ['X-Amz-Credential', 'AKID/20250101/us-east-1/sts/aws4_request'],
    ];

    expect(canonicalQuery(query)).toBe(
      'Action=GetCallerIdentity&X-Amz-Credential=AKID%2F20250101%2Fus-east-1%2Fsts%2Faws4_request' +
        '&X-Amz-Security-Token=a%2Bb%2Fc%3Dd%20~%2A',
    );
  });
});

describe('stsHostRegion', () => {
  it.each([
    ['sts.amazonaws.com', 'aws', 'us-east-1'],
    ['sts.eu-west-1.amazonaws.com', 'aws', 'eu-west-1'],
    ['sts-fips.us-east-2.amazonaws.com', 'aws', 'us-east-2'],
    ['sts.us-east-1.api.aws', 'aws', 'us-east-1'],
    ['sts.cn-north-1.amazonaws.com.cn', 'aws-cn', 'cn-north-1'],
    ['sts.us-gov-west-1.amazonaws.com', 'aws-us-gov', 'us-gov-west-1'],
    ['sts.amazonaws.com', 'aws-cn', undefined],
    ['sts.cn-north-1.amazonaws.com.cn', 'aws', undefined],
    ['sts.eu-west-1.amazonaws.com:443', 'aws', undefined],
    ['sts.eu-west-1.amazonaws.com.evil.example', 'aws', undefined],
    ['iam.amazonaws.com', 'aws', undefined],
  ])('%s in partition %s → %s', (host, partition, region) => {
    expect(stsHostRegion(host, partition)).toBe(region);
  });
});
