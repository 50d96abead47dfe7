import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presignedStsUrl, tokenFromUrl } from '../../../../sandbox/kubernetes/presign-token.ts';
import { regionPartition } from '../../../../src/config/partition.ts';
import {
  extractLinkToken,
  isLinkTokenRefusal,
  LINK_AUDIENCE,
  type LinkToken,
  type LinkTokenRefusal,
  parseLinkToken,
  stsHost,
} from '../../../../src/core/identity/link-token.ts';

const KEY = { accessKeyId: 'AKIALINKTEST00000001', secretAccessKey: 'link-test-secret' };
const SIGNED_AT = Date.UTC(2026, 11, 7, 12, 0, 0);
const options = (now = SIGNED_AT + 60_000) => ({ now, partitionOf: regionPartition });

async function urlFor(input: { region?: string; hostname?: string; cluster?: string; at?: number } = {}) {
  return await presignedStsUrl({
    clusterName: input.cluster ?? LINK_AUDIENCE,
    credentials: KEY,
    signingDate: new Date(input.at ?? SIGNED_AT),
    ...(input.region ? { region: input.region } : {}),
    ...(input.hostname ? { hostname: input.hostname } : {}),
  });
}

function accepted(result: LinkToken | LinkTokenRefusal): LinkToken {
  if (isLinkTokenRefusal(result)) throw new Error(`refused: ${result.code} ${result.detail}`);
  return result;
}

function refusal(result: LinkToken | LinkTokenRefusal): string {
  return isLinkTokenRefusal(result) ? result.code : 'accepted';
}

describe('parseLinkToken', () => {
  it('accepts a get-token token for eks-access-link and reads its Region and expiry', async () => {
    const token = tokenFromUrl(await urlFor({ region: 'eu-west-1' }));
    const parsed = accepted(parseLinkToken(token, options()));
    expect(parsed).toMatchObject({
      token,
      host: 'sts.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      partition: 'aws',
      endpoint: { global: false, fips: false, dualStack: false },
      signedAt: SIGNED_AT,
      expiresAt: SIGNED_AT + 15 * 60_000,
    });
    expect(parsed.query.map(([key]) => key)).toContain('X-Amz-Signature');
  });

  it.each([
    ['sts.amazonaws.com', 'us-east-1', 'aws', { global: true, fips: false, dualStack: false }],
    ['sts.cn-north-1.amazonaws.com.cn', 'cn-north-1', 'aws-cn', { global: false, fips: false, dualStack: false }],
    [
      'sts-fips.us-gov-west-1.amazonaws.com',
      'us-gov-west-1',
      'aws-us-gov',
      { global: false, fips: true, dualStack: false },
    ],
    ['sts.us-iso-east-1.c2s.ic.gov', 'us-iso-east-1', 'aws-iso', { global: false, fips: false, dualStack: false }],
    [
      'sts.us-isob-east-1.sc2s.sgov.gov',
      'us-isob-east-1',
      'aws-iso-b',
      { global: false, fips: false, dualStack: false },
    ],
    ['sts.us-east-2.api.aws', 'us-east-2', 'aws', { global: false, fips: false, dualStack: true }],
  ])('accepts the STS host %s', async (hostname, region, partition, endpoint) => {
    const token = tokenFromUrl(await urlFor({ region, hostname }));
    expect(accepted(parseLinkToken(token, options()))).toMatchObject({ host: hostname, region, partition, endpoint });
  });

  it('accepts the JSON aws eks get-token prints, and a token in backticks or with whitespace around it', async () => {
    const token = tokenFromUrl(await urlFor());
    const json = JSON.stringify({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      spec: {},
      status: { expirationTimestamp: '2026-12-07T12:14:00Z', token },
    });
    for (const pasted of [json, `\`\`\`${json}\`\`\``, `  \`${token}\`\n`, `\n${token} `, `"${token}"`]) {
      expect(accepted(parseLinkToken(pasted, options())).token).toBe(token);
    }
  });

  it('refuses what is not a token as malformed', () => {
    for (const pasted of ['hello', 'k8s-aws-v1.', 'k8s-aws-v1.@@@', 'k8s-aws-v1.a', '{"status":{}}', '{not json']) {
      expect(refusal(parseLinkToken(pasted, options()))).toBe('malformed');
    }
    expect(extractLinkToken('{"status":{"token":"k8s-aws-v1.abc"}}')).toBe('k8s-aws-v1.abc');
  });

  it('refuses http, userinfo, ports, other paths and look-alike hosts as not_sts_host', async () => {
    const good = await urlFor();
    const variants = [
      good.replace('https://', 'http://'),
      good.replace('https://sts.', 'https://user@sts.'),
      good.replace('amazonaws.com/', 'amazonaws.com:8443/'),
      good.replace('amazonaws.com/', 'amazonaws.com/path/'),
      good.replace('sts.us-east-1.amazonaws.com', 'sts.us-east-1.amazonaws.com.evil.example'),
      good.replace('sts.us-east-1.amazonaws.com', 'sts.us-east-1.amazonaws.com.'),
      good.replace('sts.us-east-1.amazonaws.com', 'STS.us-east-1.amazonaws.com'),
      good.replace('sts.us-east-1.amazonaws.com', '127.0.0.1'),
      good.replace('sts.us-east-1.amazonaws.com', 'sts.us-east-1.amazonaws.com.cn'),
      good.replace('sts.us-east-1.amazonaws.com', 'sts.cn-north-1.amazonaws.com'),
      good.replace('sts.us-east-1.amazonaws.com', 'sts.evil.amazonaws.com'),
      good.replace('sts.us-east-1.amazonaws.com', 'iam.us-east-1.amazonaws.com'),
    ];
    for (const url of variants)
      expect([url, refusal(parseLinkToken(tokenFromUrl(url), options()))]).toEqual([url, 'not_sts_host']);
  });

  it('refuses another action, another version or extra query keys', async () => {
    const good = await urlFor();
    expect(refusal(parseLinkToken(tokenFromUrl(good.replace('GetCallerIdentity', 'AssumeRole')), options()))).toBe(
      'wrong_action',
    );
    expect(refusal(parseLinkToken(tokenFromUrl(good.replace('2011-06-15', '2020-01-01')), options()))).toBe(
      'wrong_action',
    );
    expect(refusal(parseLinkToken(tokenFromUrl(`${good}&RoleArn=x`), options()))).toBe('malformed');
    expect(refusal(parseLinkToken(tokenFromUrl(`${good}&Action=GetCallerIdentity`), options()))).toBe('malformed');
  });

  it('refuses a token that does not sign x-k8s-aws-id', async () => {
    const good = await urlFor();
    const unsigned = good.replace(/X-Amz-SignedHeaders=[^&]*/, 'X-Amz-SignedHeaders=host');
    expect(refusal(parseLinkToken(tokenFromUrl(unsigned), options()))).toBe('header_not_signed');
  });

  it('refuses a token over 15 minutes old and one dated more than 5 minutes ahead', async () => {
    const token = tokenFromUrl(await urlFor());
    expect(refusal(parseLinkToken(token, options(SIGNED_AT + 15 * 60_000)))).toBe('accepted');
    expect(refusal(parseLinkToken(token, options(SIGNED_AT + 15 * 60_000 + 1)))).toBe('expired');
    expect(refusal(parseLinkToken(token, options(SIGNED_AT - 5 * 60_000)))).toBe('accepted');
    expect(refusal(parseLinkToken(token, options(SIGNED_AT - 5 * 60_000 - 1000)))).toBe('future_dated');
  });

  it('refuses a credential scope for another Region than the host', async () => {
    const url = (await urlFor({ region: 'eu-west-1' })).replace('sts.eu-west-1.', 'sts.eu-central-1.');
    expect(refusal(parseLinkToken(tokenFromUrl(url), options()))).toBe('malformed');
  });

  it('never echoes the token in a refusal', async () => {
    const token = tokenFromUrl((await urlFor()).replace('https://', 'http://'));
    const result = parseLinkToken(token, options(SIGNED_AT + 3_600_000));
    expect(JSON.stringify(result)).not.toContain(token.slice(12, 40));
  });
});

describe('STS host allow-list (property)', () => {
  const ALLOWED =
    /^(?:sts\.amazonaws\.com|sts(?:-fips)?\.[a-z]{2,5}(?:-[a-z]+)+-\d{1,2}\.(?:amazonaws\.com|amazonaws\.com\.cn|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov|amazonaws\.eu|api\.amazonwebservices\.com\.cn|api\.aws\.ic\.gov|api\.aws\.scloud|api\.cloud-aws\.adc-e\.uk|api\.aws\.hci\.ic\.gov|api\.amazonwebservices\.eu))$/;

  it('refuses every host outside the STS shapes of the known partitions', async () => {
    const base = await urlFor();
    const hostChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789.-:@[]%_ABC'.split(''));
    const host = fc.oneof(
      fc.string({ unit: hostChars, minLength: 1, maxLength: 60 }),
      fc
        .constantFrom('sts', 'sts-fips', 'evil', 'sts.us-east-1')
        .chain((first) =>
          fc
            .tuple(
              fc.string({ unit: hostChars, maxLength: 20 }),
              fc.constantFrom('amazonaws.com', 'example.com', 'api.aws'),
            )
            .map(([middle, suffix]) => `${first}.${middle}.${suffix}`),
        ),
      fc.webUrl().map((u) => new URL(u).host),
    );
    fc.assert(
      fc.property(host, (candidate) => {
        fc.pre(!ALLOWED.test(candidate));
        const url = base.replace('sts.us-east-1.amazonaws.com', candidate);
        expect(refusal(parseLinkToken(tokenFromUrl(url), options()))).not.toBe('accepted');
        expect(stsHost(candidate, regionPartition)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('a host it accepts always has a partition whose DNS suffix ends it', () => {
    const region = fc.stringMatching(/^[a-z]{2,5}(?:-[a-z]{1,8}){1,2}-\d{1,2}$/);
    const suffix = fc.constantFrom('amazonaws.com', 'amazonaws.com.cn', 'c2s.ic.gov', 'api.aws', 'example.com');
    fc.assert(
      fc.property(region, suffix, fc.boolean(), (r, s, fips) => {
        const host = `${fips ? 'sts-fips' : 'sts'}.${r}.${s}`;
        const found = stsHost(host, regionPartition);
        if (found === undefined) return;
        const known = regionPartition(r);
        expect([known.dnsSuffix, known.dualStackDnsSuffix]).toContain(s);
        expect(found.region).toBe(r);
      }),
    );
  });
});
