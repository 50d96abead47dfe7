import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

let sandbox: E2eSandbox;
const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
useRunningBot((started) => {
  sandbox = started;
});

const kube = () => sandbox.kube['old-cluster'];
const awsAuth = () => kube().configMap('kube-system', 'aws-auth');
type UserItem = { userarn: string; username: string; groups: string[] };
const aliceItem = () =>
  (parse(awsAuth()?.data['mapUsers'] ?? '') as UserItem[]).find((u) => u.userarn.toLowerCase() === ARNS.alice);

/** Alice was mapped by hand before eks-access existed: as `dev` in `readers`, with comments around and inside. */
const PRIOR_USERS = [
  '# people mapped by the platform team',
  '- userarn: arn:aws:iam::111122223333:user/dave',
  '  username: dave',
  '  groups: [team-b]',
  '# alice: read-only, ticket OPS-12',
  '- userarn: arn:aws:iam::111122223333:user/ALICE   # upper case, as typed',
  '  username: dev',
  '  # readers is bound to the view ClusterRole by hand',
  '  groups:',
  '    - readers',
  '    - "team-a" # quoted',
  '- userarn: arn:aws:iam::111122223333:user/erin',
  '  username: erin',
  '  groups:',
  '    - team-b',
  '',
].join('\n');

async function granted(user: string, text: string) {
  const sent = await sandbox.mention(user, text);
  const reply = await sandbox.slack.waitForMessage(
    (m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''),
    10_000,
  );
  const id = /Request `(R[0-9A-Z]+)`/.exec(reply.text ?? '')?.[1] ?? '';
  const card = await sandbox.slack.waitForMessage(
    (m) => m.channel === APPROVAL_CHANNEL && textOf(m).includes(id),
    10_000,
  );
  await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
  await waitFor(async () => ['granted', 'failed'].includes((await sandbox.request(id))?.status ?? ''), {
    timeoutMs: 20_000,
    what: `${id} granted`,
  });
  return { id, threadTs: sent.ts };
}

async function revoked(user: string, id: string, threadTs: string) {
  await sandbox.mention(user, 'revoke my access to old-cluster');
  await waitFor(async () => (await sandbox.request(id))?.status === 'revoked', { timeoutMs: 20_000, what: 'revoked' });
  return sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /was revoked/.test(m.text ?? ''), 15_000);
}

describe('aws-auth grants end by restoring what the person had', () => {
  it('keeps their groups during the grant, then puts the item back byte for byte and deletes the binding it made', async () => {
    kube().setConfigMap('kube-system', 'aws-auth', { ...awsAuth()?.data, mapUsers: PRIOR_USERS });
    expect(kube().clusterRoleBinding('eks-access-admin')).toBeUndefined();

    const { id, threadTs } = await granted(PEOPLE.alice, 'grant me admin on old-cluster');
    const during = aliceItem();
    const bindingDuring = kube().clusterRoleBinding('eks-access-admin');
    const ended = await revoked(PEOPLE.alice, id, threadTs);

    expect((await sandbox.request(id))?.outcome?.method).toBe('aws-auth');
    expect(during?.username).toBe('dev');
    expect(during?.groups).toEqual(['readers', 'team-a', 'eks-access:admin']);
    expect(bindingDuring).toBeDefined();
    expect(awsAuth()?.data['mapUsers']).toBe(PRIOR_USERS);
    expect(kube().clusterRoleBinding('eks-access-admin')).toBeUndefined();
    expect(textOf(ended)).toContain('restored exactly as before the grant');
    expect(textOf(ended)).toContain('eks-access-admin deleted');
  });

  it('reports a change someone made to the item during the grant, and does not clobber it', async () => {
    kube().setConfigMap('kube-system', 'aws-auth', { ...awsAuth()?.data, mapUsers: PRIOR_USERS });
    const { id, threadTs } = await granted(PEOPLE.alice, 'grant me edit on old-cluster');
    const users = awsAuth()?.data['mapUsers'] ?? '';
    // As a person with kubectl would: one more group in the item eks-access wrote (flow or block groups).
    const edited = users.includes('eks-access:edit]')
      ? users.replace('eks-access:edit]', 'eks-access:edit, added-by-hand]')
      : users.replace(/^( *)- eks-access:edit\b/m, '$1- added-by-hand\n$1- eks-access:edit');
    expect(edited).not.toBe(users);
    kube().setConfigMap('kube-system', 'aws-auth', { ...awsAuth()?.data, mapUsers: edited });

    const ended = await revoked(PEOPLE.alice, id, threadTs);

    expect(aliceItem()?.groups).toEqual(['readers', 'team-a', 'added-by-hand']);
    expect(aliceItem()?.username).toBe('dev');
    expect(textOf(ended)).toContain('changed outside eks-access during the grant');
    expect(textOf(ended)).toContain('added-by-hand');
    const drift = (await sandbox.auditEvents()).find((e) => e.requestId === id && e.type === 'drift');
    expect(drift?.detail?.['changes']).toContain('added-by-hand');
    expect(drift?.detail?.['action']).toBe('left in place');
  });
});
