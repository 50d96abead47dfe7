import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { spawnBot } from '../support/bot-process.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

let sandbox: E2eSandbox;
const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
useRunningBot((started) => {
  sandbox = started;
});

const awsAuth = () => sandbox.kube['old-cluster'].configMap('kube-system', 'aws-auth');

async function filedAndApproved(user: string, text: string) {
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
  const before = awsAuth()?.resourceVersion;
  await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
  await waitFor(async () => ['granted', 'failed'].includes((await sandbox.request(id))?.status ?? ''), {
    timeoutMs: 20_000,
    what: `${id} ended`,
  });
  return { id, card, threadTs: sent.ts, before };
}

describe('aws-auth executor on a CONFIG_MAP cluster (method: auto)', () => {
  it('shows the exact change and the safety checks on the card, then maps the person, binds the group and proves it', async () => {
    const { id, card, threadTs } = await filedAndApproved(PEOPLE.alice, 'grant me view on old-cluster');
    const done = await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /now has/.test(m.text ?? ''));

    expect(textOf(card)).toContain('+ - userarn: arn:aws:iam::111122223333:user/alice');
    expect(textOf(card)).toContain('✓');
    expect((await sandbox.request(id))?.status).toBe('granted');
    const data = awsAuth()?.data ?? {};
    const users = parse(data['mapUsers'] ?? '') as { userarn: string; username: string; groups: string[] }[];
    expect(users).toEqual([{ userarn: ARNS.alice, username: 'eks-access:alice', groups: ['eks-access:view'] }]);
    const roles = parse(data['mapRoles'] ?? '') as { rolearn: string; groups: string[] }[];
    expect(roles.map((r) => r.rolearn)).toEqual([
      'arn:aws:iam::111122223333:role/eks-node-role',
      'arn:aws:iam::111122223333:role/ops-admin',
    ]);
    expect(data['mapAccounts']).toBe('- "444455556666"\n');
    expect(sandbox.kube['old-cluster'].clusterRoleBinding('eks-access-view')).toBeDefined();
    expect(textOf(done)).toContain('SubjectAccessReview');
    const writes = (await sandbox.auditEvents()).filter(
      (e) => e.type === 'aws_auth_write' && e.cluster === 'old-cluster',
    );
    expect(writes).toHaveLength(1);
    expect(JSON.parse(writes[0]?.detail?.['previousData'] ?? '{}')).not.toHaveProperty('mapUsers');
  });

  it('lists the versions it replaced and restores one through the same safety check', async () => {
    const run = async (...args: string[]) => {
      const cli = spawnBot(['aws-auth', ...args], sandbox.env);
      return { code: await cli.exited, output: cli.output() };
    };

    const history = await run('history', '--cluster', 'old-cluster');
    const restored = await run('restore', '--cluster', 'old-cluster', '--version', '1');
    const missing = await run('restore', '--cluster', 'old-cluster', '--version', '9');

    expect(history.code).toBe(0);
    expect(history.output).toMatch(/^\s+1\s+\S+Z\s+replaced by R/m);
    expect(restored.code).toBe(0);
    expect(restored.output).toContain('Restored version 1');
    expect(awsAuth()?.data['mapUsers']).toBeUndefined();
    expect(awsAuth()?.data['mapRoles']).toContain('eks-node-role');
    expect(missing.code).toBe(64);
    const restores = (await sandbox.auditEvents()).filter((e) => e.type === 'aws_auth_restore');
    expect(restores.map((e) => e.detail?.['status'])).toEqual(['applied']);
    // Three CLI processes in a row, each loading the Kubernetes client (client-node 2 pulls in undici) under tsx: on a
    // busy 2-core machine one start took about 30 s, so the project's 60 s budget fits two, not three.
  }, 180_000);

  it('refuses to add the cluster creator to aws-auth: nothing written, the reason in the thread and the audit', async () => {
    const { id, threadTs, before } = await filedAndApproved(PEOPLE.bob, 'grant me view on old-cluster');
    const told = await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /failed/.test(m.text ?? ''));

    expect((await sandbox.request(id))?.status).toBe('failed');
    expect(told.text).toContain('creator');
    expect(awsAuth()?.resourceVersion).toBe(before);
    const refused = (await sandbox.auditEvents()).find((e) => e.requestId === id && e.type === 'refused');
    expect(refused?.detail?.['code']).toMatch(/creator/);
  });

  it('does not write to an aws-auth that does not parse, and reports it as urgent with the way out', async () => {
    sandbox.kube['old-cluster'].setConfigMap('kube-system', 'aws-auth', { mapRoles: '- rolearn: [broken\n' });
    const broken = awsAuth()?.resourceVersion;

    const { id, threadTs } = await filedAndApproved(PEOPLE.dave, 'grant me edit on old-cluster');
    const told = await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /failed/.test(m.text ?? ''));

    expect((await sandbox.request(id))?.status).toBe('failed');
    expect(told.text).toContain('URGENT');
    expect(told.text).toContain('API_AND_CONFIG_MAP');
    expect(awsAuth()?.resourceVersion).toBe(broken);
  });
});
