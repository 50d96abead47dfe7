import { describe, expect, it } from 'vitest';
import { QueryError } from '../../../sandbox/aws/query-protocol.ts';
import { verifyPresignedQuery } from '../../../sandbox/aws/sts-presigned.ts';
import { presignedStsUrl } from '../../../sandbox/kubernetes/presign-token.ts';

const KEY = { accessKeyId: 'AKIAPRESIGN000000001', secretAccessKey: 'presign-secret' };
const AT = Date.UTC(2026, 11, 7, 12, 0, 0);
const HOST = 'sts.us-east-1.amazonaws.com';

async function signed(input: { cluster?: string; sessionToken?: string } = {}) {
  const url = await presignedStsUrl({
    clusterName: input.cluster ?? 'eks-access-link',
    credentials: { ...KEY, ...(input.sessionToken ? { sessionToken: input.sessionToken } : {}) },
    signingDate: new Date(AT),
  });
  return new URL(url).searchParams;
}

function outcome(query: URLSearchParams, options: { now?: number; audience?: string; session?: string } = {}): string {
  try {
    return verifyPresignedQuery(
      query,
      { host: HOST, 'x-k8s-aws-id': options.audience ?? 'eks-access-link' },
      {
        keyOf: (id) =>
          id === KEY.accessKeyId
            ? { secretAccessKey: KEY.secretAccessKey, ...(options.session ? { sessionToken: options.session } : {}) }
            : undefined,
        now: options.now ?? AT + 60_000,
      },
    );
  } catch (error) {
    if (error instanceof QueryError) return `${error.status} ${error.code}: ${error.message.split(':')[0]}`;
    throw error;
  }
}

describe('STS fake: presigned GetCallerIdentity as STS checks it', () => {
  it('accepts the signature with the headers as sent, and names the key', async () => {
    expect(outcome(await signed())).toBe(KEY.accessKeyId);
  });

  it('refuses a query signed for, or replayed with, another x-k8s-aws-id', async () => {
    expect(outcome(await signed({ cluster: 'prod-cluster' }))).toBe(
      '403 SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
    expect(outcome(await signed(), { audience: 'prod-cluster' })).toMatch(/^403 SignatureDoesNotMatch/);
  });

  it('refuses a query over 15 minutes old or more than 5 minutes ahead, an unknown key and a missing session token', async () => {
    const query = await signed();
    expect(outcome(query, { now: AT + 15 * 60_000 + 1_000 })).toBe('403 SignatureDoesNotMatch: Signature expired');
    expect(outcome(query, { now: AT - 5 * 60_000 - 1_000 })).toBe(
      '403 SignatureDoesNotMatch: Signature not yet current',
    );
    const stranger = new URLSearchParams(query);
    stranger.set(
      'X-Amz-Credential',
      (query.get('X-Amz-Credential') ?? '').replace(KEY.accessKeyId, 'AKIAOTHER00000000001'),
    );
    expect(outcome(stranger)).toMatch(/^403 InvalidClientTokenId/);
    expect(outcome(query, { session: 'expected-session-token' })).toMatch(/^403 InvalidClientTokenId/);
    expect(
      outcome(await signed({ sessionToken: 'expected-session-token' }), { session: 'expected-session-token' }),
    ).toBe(KEY.accessKeyId);
  });
});
