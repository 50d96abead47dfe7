import { describe, expect, it } from 'vitest';
import { presignedStsUrl, tokenFromUrl } from '../../../../sandbox/kubernetes/presign-token.ts';
import { regionPartition } from '../../../../src/config/partition.ts';
import { asPersonId } from '../../../../src/core/ids.ts';
import { parseLinkCommand } from '../../../../src/core/intent/link-command.ts';
import { plainMessage } from '../../../../src/core/intent/message-text.ts';
import { parseMessage } from '../../../../src/core/intent/parse-message.ts';
import { plainText } from '../../../../src/core/messages/rich.ts';
import type { ClusterSettings, Settings } from '../../../../src/core/settings.ts';
import { DEFAULT_LINK_TTL_MS, linkIdentity, unlinkIdentity } from '../../../../src/usecases/identity/link-identity.ts';
import type { LinkVerification } from '../../../../src/usecases/ports/link-verifier.ts';
import { inMemoryWorld } from '../../../fakes/in-memory/ports.ts';

const NOW = 1_700_000_000_000;
const settings: Settings = { clusters: [], users: {}, identity: { linkTtl: 3_600_000 } };
const alice = asPersonId('U0ALICE');

async function makeToken(cluster = 'eks-access-link', at = NOW) {
  const url = await presignedStsUrl({
    clusterName: cluster,
    credentials: { accessKeyId: 'AKIAUNIT000000000001', secretAccessKey: 's' },
    signingDate: new Date(at),
  });
  return tokenFromUrl(url);
}

function world(answer: LinkVerification, options: { settings?: Settings } = {}) {
  const w = inMemoryWorld(options.settings ?? settings, NOW);
  const asked: string[] = [];
  w.deps.linkVerifier = {
    partitionOf: regionPartition,
    verify: async (token) => {
      asked.push(token.host);
      return answer;
    },
  };
  return { w, asked };
}

const erinRole: LinkVerification = {
  ok: true,
  caller: {
    arn: 'arn:aws:sts::111122223333:assumed-role/dev-role/alice@example.com',
    account: '111122223333',
    userId: 'AROAX:alice@example.com',
  },
};
const text = (m: { text: unknown }) => plainText(m.text as never);

describe('link commands in the parser', () => {
  it('reads link, a bare token, get-token JSON and unlink, before any other grammar', () => {
    const cases: [string, unknown][] = [
      ['unlink', { kind: 'unlink' }],
      ['link', { kind: 'link', pasted: '' }],
      ['link k8s-aws-v1.abc', { kind: 'link', pasted: 'k8s-aws-v1.abc' }],
      ['  k8s-aws-v1.abc  ', { kind: 'link', pasted: 'k8s-aws-v1.abc' }],
      ['grant me view on prod k8s-aws-v1.abc', { kind: 'link', pasted: 'grant me view on prod k8s-aws-v1.abc' }],
      ['link me to prod', undefined],
      ['grant me view on prod', undefined],
    ];
    for (const [input, expected] of cases) {
      expect([input, parseLinkCommand(plainMessage(input).parts)]).toEqual([input, expected]);
    }
    expect(
      parseMessage(plainMessage('why am I unauthorized on prod k8s-aws-v1.abc'), { clusterNames: ['prod'] }).kind,
    ).toBe('link');
  });
});

describe('linkIdentity', () => {
  it('links to the canonical role and session until now + linkTtl, audits it, and never keeps the token', async () => {
    const { w } = world(erinRole);
    const token = await makeToken();
    const reply = await linkIdentity(w.deps, { person: alice, pasted: token, where: 'private', length: token.length });
    expect(text(reply)).toContain('Linked you to');
    expect(await w.deps.identityLinks.get(alice)).toEqual({
      principalArn: 'arn:aws:iam::111122223333:role/dev-role',
      session: 'alice@example.com',
      callerArn: 'arn:aws:sts::111122223333:assumed-role/dev-role/alice@example.com',
      account: '111122223333',
      linkedAt: NOW,
      expiresAt: NOW + 3_600_000,
    });
    expect(w.audit.at(-1)).toMatchObject({ type: 'identity_linked', actor: alice });
    expect(JSON.stringify(w.audit)).not.toContain(token.slice(11, 50));
    expect(JSON.stringify(reply)).not.toContain(token.slice(11, 50));
  });

  it('defaults the link to 30 days', async () => {
    const { w } = world(erinRole, { settings: { clusters: [], users: {} } });
    const token = await makeToken();
    await linkIdentity(w.deps, { person: alice, pasted: token, where: 'private', length: token.length });
    expect((await w.deps.identityLinks.get(alice))?.expiresAt).toBe(NOW + DEFAULT_LINK_TTL_MS);
  });

  it('refuses without asking STS: no token, a local refusal, a channel paste, a reused token', async () => {
    const { w, asked } = world(erinRole);
    const howTo = await linkIdentity(w.deps, { person: alice, pasted: '', where: 'private', length: 4 });
    expect(JSON.stringify(howTo)).toContain('aws eks get-token --cluster-name eks-access-link');
    const old = await makeToken('eks-access-link', NOW - 16 * 60_000);
    expect(text(await linkIdentity(w.deps, { person: alice, pasted: old, where: 'private', length: 9 }))).toContain(
      'expired',
    );
    const exposed = await makeToken();
    const inChannel = await linkIdentity(w.deps, { person: alice, pasted: exposed, where: 'channel', length: 9 });
    expect(text(inChannel)).toContain('did not use the token');
    expect(text(await linkIdentity(w.deps, { person: alice, pasted: exposed, where: 'private', length: 9 }))).toContain(
      'already used',
    );
    expect(asked).toEqual([]);
    expect(await w.deps.identityLinks.get(alice)).toBeUndefined();
    expect(w.audit.map((e) => e.detail?.['code'])).toEqual([
      'link_expired',
      'link_token_in_channel',
      'link_token_reused',
    ]);
  });

  it('refuses what STS rejects, cannot answer, or vouches for as root, linking nothing', async () => {
    for (const [answer, words] of [
      [{ ok: false, reason: 'rejected', detail: 'STS answered 403' }, 'not accepted by STS'],
      [{ ok: false, reason: 'unavailable', detail: 'timeout' }, 'could not reach AWS STS'],
      [{ ok: true, caller: { arn: 'arn:aws:iam::111122223333:root', account: '111122223333', userId: '1' } }, 'root'],
    ] as const) {
      const { w, asked } = world(answer);
      const token = await makeToken();
      const reply = await linkIdentity(w.deps, { person: alice, pasted: token, where: 'private', length: 9 });
      expect(text(reply)).toContain(words);
      expect(asked).toEqual(['sts.us-east-1.amazonaws.com']);
      expect(await w.deps.identityLinks.get(alice)).toBeUndefined();
    }
  });

  it('refuses a token of a partition no configured cluster is in, without asking STS', async () => {
    const prod: ClusterSettings = {
      name: 'prod',
      aliases: [],
      region: 'us-east-1',
      partition: 'aws',
      accountId: '111122223333',
      method: 'access-entries',
      approvers: [],
      requiredApprovals: 1,
    };
    const { w, asked } = world(erinRole, { settings: { clusters: [prod], users: {} } });
    const url = await presignedStsUrl({
      clusterName: 'eks-access-link',
      region: 'cn-north-1',
      hostname: 'sts.cn-north-1.amazonaws.com.cn',
      credentials: { accessKeyId: 'AKIAUNIT000000000001', secretAccessKey: 's' },
      signingDate: new Date(NOW),
    });
    const reply = await linkIdentity(w.deps, { person: alice, pasted: tokenFromUrl(url), where: 'private', length: 9 });
    expect(text(reply)).toContain('partition aws-cn');
    expect(asked).toEqual([]);
    const own = await linkIdentity(w.deps, { person: alice, pasted: await makeToken(), where: 'private', length: 9 });
    expect(text(own)).toContain('Linked you to');
  });

  it('refuses a message longer than the parser reads', async () => {
    const { w, asked } = world(erinRole);
    const token = await makeToken();
    const reply = await linkIdentity(w.deps, { person: alice, pasted: token, where: 'private', length: 4_500 });
    expect(text(reply)).toContain('too long');
    expect(asked).toEqual([]);
  });

  it('unlink removes the link and says when there was none', async () => {
    const { w } = world(erinRole);
    const token = await makeToken();
    await linkIdentity(w.deps, { person: alice, pasted: token, where: 'private', length: 9 });
    expect(text(await unlinkIdentity(w.deps, alice))).toContain('Unlinked you from');
    expect(await w.deps.identityLinks.get(alice)).toBeUndefined();
    expect(text(await unlinkIdentity(w.deps, alice))).toContain('no linked identity');
    expect(w.audit.filter((e) => e.type === 'identity_unlinked')).toHaveLength(1);
  });
});
