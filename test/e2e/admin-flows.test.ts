import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

const CLUSTER_ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

/**
 * Carol files a recovery for Alice: asking for someone else takes an approver or `requestForOthers` (issue 16),
 * and a recovery needs two approvers besides the people asking and receiving, so she is listed rather than an
 * approver.
 */
async function start(): Promise<{ sandbox: E2eSandbox; bot: BotProcess }> {
  const sandbox = await startE2eSandbox({ topLevelExtra: `requestForOthers: [${PEOPLE.carol}]\n` });
  sandbox.eks.setUpdateDelay(1_000);
  const bot = spawnBot(['start'], sandbox.env);
  await bot.waitForOutput(/eks-access is running/);
  return { sandbox, bot };
}

async function filed(sandbox: E2eSandbox, user: string, text: string) {
  const sent = await sandbox.mention(user, text);
  const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
  const id = /Request `(R[0-9A-Z]+)`/.exec(reply.text ?? '')?.[1] ?? '';
  const card = await sandbox.slack.waitForMessage((m) => m.channel === APPROVAL_CHANNEL && textOf(m).includes(id));
  return { id, card, threadTs: sent.ts };
}

const openedModals = new Set<string>();

/** Approve through the step-up modal (a migration or recovery always needs it): the cluster name typed exactly. */
async function approveWithStepUp(
  sandbox: E2eSandbox,
  user: string,
  card: SlackMessage,
  id: string,
  cluster: string,
): Promise<Record<string, unknown>> {
  await sandbox.clickButton(user, 'eks_access_approve_step_up', id, { channel: card.channel, ts: card.ts });
  const modal = await sandbox.slack.waitForView(
    (v) =>
      v.view.callback_id === 'eks_access_step_up' &&
      (v.view.private_metadata ?? '').includes(id) &&
      !openedModals.has(v.view.id),
    10_000,
  );
  openedModals.add(modal.view.id);
  const submitted = await sandbox.submitView(user, modal.view, { step_up_cluster: { cluster_name: cluster } });
  expect(submitted.status).toBe(200);
  return modal.view;
}

describe('mode migration: one way, two approvers', () => {
  let sandbox: E2eSandbox;
  let bot: BotProcess;
  beforeAll(async () => ({ sandbox, bot } = await start()));
  afterAll(async () => {
    await bot?.kill('SIGTERM');
    await sandbox?.close();
  });

  it('switches CONFIG_MAP → API_AND_CONFIG_MAP after two distinct approvals, then moves aws-auth items on request', async () => {
    const { id, card, threadTs } = await filed(sandbox, PEOPLE.carol, 'migrate legacy-cluster');
    const click = (user: string) => approveWithStepUp(sandbox, user, card, id, 'legacy-cluster');

    expect(textOf(card)).toContain('can never go back to CONFIG_MAP');
    expect(textOf(card)).toContain('eks_access_approve_step_up');
    // A plain Approve (an edited payload) without the modal approves nothing.
    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await sandbox.slack.waitForMessage((m) => m.ephemeralTo === PEOPLE.approver1 && /step-up/.test(m.text ?? ''));
    expect((await sandbox.request(id))?.approvals).toHaveLength(0);
    const modal = await click(PEOPLE.approver1);
    expect(JSON.stringify(modal['blocks'])).toContain('cannot be undone');
    await waitFor(async () => (await sandbox.request(id))?.approvals.length === 1);
    const afterOne = await sandbox.request(id);
    await click(PEOPLE.approver2);
    const done = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === threadTs && /cannot be undone/.test(m.text ?? ''),
      20_000,
    );

    expect(afterOne?.status).toBe('pending');
    expect(sandbox.eks.cluster('legacy-cluster')?.authenticationMode).toBe('API_AND_CONFIG_MAP');
    const updates = sandbox.eks.callsTo('UpdateClusterConfig');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.body).toContain('API_AND_CONFIG_MAP');
    expect(textOf(done)).toContain('arn:aws:iam::111122223333:role/teams/data/carol-role');
    expect(textOf(done)).toContain('eks-node-role');

    await sandbox.clickButton(PEOPLE.stranger, 'eks_access_migrate_entries', id, done);
    await waitFor(() =>
      sandbox.slack
        .messages({ isEphemeral: true })
        .find((m) => m.ephemeralTo === PEOPLE.stranger && /not an approver/.test(m.text ?? '')),
    );
    await sandbox.clickButton(PEOPLE.approver1, 'eks_access_migrate_entries', id, done);
    const moved = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === threadTs && /moved 1 aws-auth item/.test(m.text ?? ''),
      15_000,
    );

    expect(textOf(moved)).toContain(ARNS.carolRole);
    expect(sandbox.eks.entry('legacy-cluster', ARNS.carolRole)).toMatchObject({
      kubernetesGroups: ['eks-access:view'],
    });
    expect(sandbox.eks.entry('legacy-cluster', 'arn:aws:iam::111122223333:role/eks-node-role')).toBeUndefined();
  });

  it('refuses when the cluster lacks two approvers besides the requester', async () => {
    const sent = await sandbox.mention(PEOPLE.approver1, 'migrate staging');

    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);

    expect(reply.text).toContain('needs two distinct approvers');
  });
});

describe('lock-out recovery', () => {
  let sandbox: E2eSandbox;
  let bot: BotProcess;
  beforeAll(async () => {
    ({ sandbox, bot } = await start());
    sandbox.kube['legacy-cluster'].setConfigMap('kube-system', 'aws-auth', {
      mapRoles: '- rolearn: [broken\n  groups: x\n',
    });
  });
  afterAll(async () => {
    await bot?.kill('SIGTERM');
    await sandbox?.close();
  });

  it('gives the named admin cluster-admin through an access entry, switching the mode first, and says what to fix next', async () => {
    const { id, card, threadTs } = await filed(sandbox, PEOPLE.carol, `recover legacy-cluster for <@${PEOPLE.alice}>`);

    expect(textOf(card)).toContain('Lock-out recovery');
    await approveWithStepUp(sandbox, PEOPLE.approver1, card, id, 'legacy-cluster');
    await waitFor(async () => (await sandbox.request(id))?.approvals.length === 1);
    await approveWithStepUp(sandbox, PEOPLE.approver2, card, id, 'legacy-cluster');
    const report = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === threadTs && /Recovery of/.test(m.text ?? ''),
      25_000,
    );

    expect(sandbox.eks.cluster('legacy-cluster')?.authenticationMode).toBe('API_AND_CONFIG_MAP');
    expect(sandbox.eks.policies('legacy-cluster', ARNS.alice).map((p) => p.policyArn)).toEqual([CLUSTER_ADMIN]);
    expect(textOf(report)).toContain('switched the authentication mode');
    expect(textOf(report)).toMatch(/`mapRoles` line \d+/);
    expect((await sandbox.request(id))?.status).toBe('granted');
  });
});
