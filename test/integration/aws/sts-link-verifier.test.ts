import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StsFake } from '../../../sandbox/aws/sts.ts';
import { createStsLinkVerifier } from '../../../src/adapters/aws/sts-link-verifier.ts';
import { createEksToken } from '../../../src/adapters/kubernetes/eks-token.ts';
import {
  isLinkTokenRefusal,
  LINK_AUDIENCE,
  type LinkToken,
  parseLinkToken,
} from '../../../src/core/identity/link-token.ts';
import { SANDBOX_CREDENTIALS, setEnv } from '../sandbox/aws-env.ts';

const ALICE_KEY = { accessKeyId: 'AKIALINKALICE0000001', secretAccessKey: 'alice-link-secret' };
const ALICE = { account: '111122223333', arn: 'arn:aws:iam::111122223333:user/ops/alice', userId: 'AIDALINKALICE' };
const ROLE = 'arn:aws:iam::111122223333:role/platform/dev-role';

let sts: StsFake;
let restore: () => void;
const verifier = createStsLinkVerifier();

beforeAll(async () => {
  sts = await StsFake.start({ allowedRoleArns: [ROLE] });
  sts.addKey(ALICE_KEY.accessKeyId, ALICE_KEY.secretAccessKey, ALICE);
  restore = setEnv({
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
  });
});

afterAll(async () => {
  restore?.();
  await sts?.close();
});

async function linkToken(input: { cluster?: string; region?: string; credentials?: typeof ALICE_KEY } = {}) {
  const region = input.region ?? 'eu-west-1';
  const { token } = await createEksToken({
    clusterName: input.cluster ?? LINK_AUDIENCE,
    region,
    credentials: input.credentials ?? ALICE_KEY,
    now: Date.now(),
    dnsSuffix: 'amazonaws.com',
  });
  const parsed = parseLinkToken(token, { now: Date.now(), partitionOf: verifier.partitionOf });
  if (isLinkTokenRefusal(parsed)) throw new Error(parsed.detail);
  return parsed;
}

describe('STS link verifier against the STS fake', () => {
  it('replays a token made for eks-access-link to the SDK-resolved endpoint and returns the caller', async () => {
    const before = sts.calls.length;
    const answer = await verifier.verify(await linkToken());
    expect(answer).toEqual({ ok: true, caller: { arn: ALICE.arn, account: ALICE.account, userId: ALICE.userId } });
    const call = sts.calls.at(-1);
    expect(sts.calls.length).toBe(before + 1);
    expect(call?.method).toBe('GET');
    expect(call?.headers['x-k8s-aws-id']).toBe(LINK_AUDIENCE);
    expect(call?.headers.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(call?.headers.authorization).toBeUndefined();
  });

  it('is refused by STS when the token was signed for another cluster name', async () => {
    const answer = await verifier.verify(await linkToken({ cluster: 'prod-cluster' }));
    expect(answer).toMatchObject({ ok: false, reason: 'rejected', detail: expect.stringContaining('403') });
  });

  it('is refused when the signature was altered or the key is unknown', async () => {
    const token = await linkToken();
    const altered: LinkToken = {
      ...token,
      query: token.query.map(([k, v]) => [
        k,
        k === 'X-Amz-Signature' ? `${v.slice(0, -1)}${v.endsWith('0') ? '1' : '0'}` : v,
      ]),
    };
    expect(await verifier.verify(altered)).toMatchObject({ ok: false, reason: 'rejected' });
    const stranger = await linkToken({ credentials: { accessKeyId: 'AKIANOBODY0000000001', secretAccessKey: 'x' } });
    expect(await verifier.verify(stranger)).toMatchObject({ ok: false, reason: 'rejected' });
  });

  it('returns the assumed-role ARN for a token signed with role-session credentials', async () => {
    const client = new STSClient({ region: 'us-east-1', credentials: ALICE_KEY });
    const assumed = await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'alice@example.com' }));
    client.destroy();
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('no credentials');
    const { token } = await createEksToken({
      clusterName: LINK_AUDIENCE,
      region: 'us-east-1',
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
      now: Date.now(),
      dnsSuffix: 'amazonaws.com',
    });
    const parsed = parseLinkToken(token, { now: Date.now(), partitionOf: verifier.partitionOf });
    if (isLinkTokenRefusal(parsed)) throw new Error(parsed.detail);
    const answer = await verifier.verify(parsed);
    expect(answer).toMatchObject({
      ok: true,
      caller: { arn: 'arn:aws:sts::111122223333:assumed-role/dev-role/alice@example.com', account: '111122223333' },
    });
  });

  it('says STS is unavailable, not that the token is bad, when STS fails', async () => {
    sts.failNext('GetCallerIdentity', 2, { status: 503, code: 'ServiceUnavailable' });
    expect(await verifier.verify(await linkToken())).toMatchObject({ ok: false, reason: 'unavailable' });
  });
});
