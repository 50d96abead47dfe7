import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackMessage, SlackOpenedView } from '../../sandbox/slack/web-api.ts';
import { QUEUE_NAME } from '../../src/adapters/queue/jobs.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const CLUSTER_ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
/** Staging requests lapse after 6 s; approver reminders start at 1 s and double (so: 1 s, then 3 s, then none). */
const STAGING_PENDING = '    pendingTimeout: 6s\n';

let sandbox: E2eSandbox;
let bot: BotProcess;
const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

beforeAll(async () => {
  sandbox = await startE2eSandbox({ stagingExtra: STAGING_PENDING });
  sandbox.env['EKS_ACCESS_APPROVER_REMINDER_MS'] = '1000';
  sandbox.env['EKS_ACCESS_APPROVER_REMINDER_MAX_MS'] = '60000';
  bot = spawnBot(['start'], sandbox.env);
  // Generous: the shared CI machine can be slow to start tsx.
  await bot.waitForOutput(/eks-access is running/, 60_000);
}, 90_000);

afterAll(async () => {
  await bot?.kill('SIGTERM');
  await sandbox?.close();
});

/** Files a request by mention and returns its id, the requester's thread, the "received" reply and the card. */
async function filed(user: string, text: string, cardChannel = APPROVAL_CHANNEL) {
  const sent = await sandbox.mention(user, text);
  const ack = await sandbox.slack.waitForMessage(
    (m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''),
    10_000,
  );
  const id = /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '';
  const card = await sandbox.slack.waitForMessage(
    (m) => m.channel === cardChannel && textOf(m).includes(id) && textOf(m).includes('Access request'),
    10_000,
  );
  return { id, threadTs: sent.ts, ack, card };
}

const status = async (id: string) => (await sandbox.request(id))?.status;
const cardNow = (card: SlackMessage) =>
  sandbox.slack.messages({ channel: card.channel }).find((m) => m.ts === card.ts) as SlackMessage;
/** The card once it shows `text`: card refreshes are queued and coalesced per request, a moment after the change. */
const cardShowing = (card: SlackMessage, text: string) =>
  sandbox.slack.waitForMessage((m) => m.channel === card.channel && m.ts === card.ts && textOf(m).includes(text));
const ephemeralTo = (user: string, pattern: RegExp) =>
  sandbox.slack.waitForMessage((m) => m.ephemeralTo === user && pattern.test(m.text ?? ''), 10_000);
const modalFor = (id: string, callbackId: string) =>
  sandbox.slack.waitForView(
    (v: SlackOpenedView) => v.view.callback_id === callbackId && (v.view.private_metadata ?? '').includes(id),
    10_000,
  );
const refusalsFor = async (id: string) =>
  (await sandbox.auditEvents())
    .filter((e) => e.requestId === id && e.type === 'refused')
    .map((e) => e.detail?.['code']);

describe('deny with a reason', () => {
  it('Deny opens a modal; the reason reaches the requester in the thread and on the card, escaped', async () => {
    const { id, threadTs, card } = await filed(PEOPLE.alice, 'grant me edit on prod because INC-9');

    const clicked = await sandbox.click(PEOPLE.approver1, 'deny', { channel: card.channel, ts: card.ts, value: id });
    const modal = await modalFor(id, 'eks_access_deny_reason');
    const stillPending = await status(id);
    const submitted = await sandbox.submitView(PEOPLE.approver1, modal.view, {
      deny_reason: { reason: 'no change ticket <!channel>' },
    });
    await waitFor(async () => (await status(id)) === 'denied', { timeoutMs: 10_000, what: 'denied' });
    const told = await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /Denied by/.test(m.text ?? ''));

    expect(clicked.status).toBe(200);
    expect(stillPending).toBe('pending');
    expect(submitted.status).toBe(200);
    expect(told.text).toContain('no change ticket &lt;!channel&gt;');
    expect(told.text).not.toContain('<!channel>');
    expect(textOf(await cardShowing(card, 'no change ticket'))).not.toContain('eks_access_approve');
    expect((await sandbox.request(id))?.denial).toMatchObject({
      by: PEOPLE.approver1,
      reason: 'no change ticket <!channel>',
    });
    const denied = (await sandbox.auditEvents()).find((e) => e.requestId === id && e.type === 'denied');
    expect(denied?.actor).toBe(PEOPLE.approver1);
  });

  it('the worker re-checks approver rights on a submitted deny: a stranger’s changes nothing', async () => {
    const { id, card } = await filed(PEOPLE.bob, 'grant me view on prod');

    await sandbox.click(PEOPLE.stranger, 'deny', { channel: card.channel, ts: card.ts, value: id });
    const modal = await modalFor(id, 'eks_access_deny_reason');
    await sandbox.submitView(PEOPLE.stranger, modal.view, { deny_reason: { reason: 'because I can' } });
    await ephemeralTo(PEOPLE.stranger, /not an approver/);

    expect(await status(id)).toBe('pending');
    expect(await refusalsFor(id)).toContain('not_an_approver');
  });
});

describe('cancel while pending', () => {
  it('only the requester may cancel; the cards change in place and a later Approve is refused', async () => {
    const { id, ack, card } = await filed(PEOPLE.carol, 'grant me view on prod for 1h');

    expect(textOf(ack)).toContain('eks_access_cancel');
    await sandbox.clickButton(PEOPLE.stranger, 'eks_access_cancel', id, ack);
    await ephemeralTo(PEOPLE.stranger, /Only <@U0CAROL>/);
    const afterStranger = await status(id);
    await sandbox.clickButton(PEOPLE.carol, 'eks_access_cancel', id, ack);
    await waitFor(async () => (await status(id)) === 'cancelled', { timeoutMs: 10_000, what: 'cancelled' });
    await waitFor(() => textOf(cardNow(card)).includes('Cancelled by'), { timeoutMs: 5_000, what: 'card updated' });
    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await ephemeralTo(PEOPLE.approver1, /already cancelled/);

    expect(afterStranger).toBe('pending');
    expect(textOf(cardNow(card))).not.toContain('eks_access_approve');
    await waitFor(() => !textOf(cardNow(ack)).includes('eks_access_cancel'), { timeoutMs: 5_000, what: 'ack updated' });
    expect(textOf(cardNow(ack))).not.toContain('eks_access_cancel');
    expect(await status(id)).toBe('cancelled');
    expect(sandbox.eks.entry('prod-cluster', ARNS.carolRole)).toBeUndefined();
    expect(await refusalsFor(id)).toEqual(expect.arrayContaining(['not_the_requester', 'already_decided']));
    const cancelled = (await sandbox.auditEvents()).find((e) => e.requestId === id && e.type === 'cancelled');
    expect(cancelled?.actor).toBe(PEOPLE.carol);
  });

  it('`/eks cancel prod-cluster` cancels the writer’s pending request there', async () => {
    const { id } = await filed(PEOPLE.dave, 'grant me view on prod');

    const answer = await sandbox.command(PEOPLE.dave, 'cancel prod-cluster');
    const dm = sandbox.slack.dmChannelFor(PEOPLE.dave);
    const reply = await sandbox.slack.waitForMessage((m) => m.channel === dm && /Cancelled/.test(m.text ?? ''), 10_000);

    expect(answer.status).toBe(200);
    expect(reply.text).toContain(id);
    expect(await status(id)).toBe('cancelled');
  });

  it('"cancel my request on prod-cluster" with nothing pending says so and changes nothing', async () => {
    const sent = await sandbox.mention(PEOPLE.erin, 'cancel my request on prod-cluster');
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts, 10_000);

    expect(reply.text).toContain('no pending request');
  });
});

describe('pending requests lapse', () => {
  it('an undecided request lapses after pendingTimeout: thread and card say so, later clicks are refused', async () => {
    const approverDm = sandbox.slack.dmChannelFor(PEOPLE.approver1);
    const { id, threadTs, card } = await filed(PEOPLE.alice, 'grant me view on staging', approverDm);

    await waitFor(async () => (await status(id)) === 'lapsed', { timeoutMs: 15_000, what: 'lapsed' });
    const told = await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /Lapsed/.test(m.text ?? ''));
    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await ephemeralTo(PEOPLE.approver1, /already lapsed/);

    expect(told.text).toContain('timed out');
    expect(textOf(await cardShowing(card, 'Lapsed'))).not.toContain('eks_access_approve');
    expect(await status(id)).toBe('lapsed');
    expect(sandbox.eks.entry('staging', ARNS.alice)).toBeUndefined();
  });

  it('reminds approvers who have not acted with back-off, and stops before the request lapses', async () => {
    const approverDm = sandbox.slack.dmChannelFor(PEOPLE.approver1);
    const { id } = await filed(PEOPLE.bob, 'grant me view on staging', approverDm);

    await waitFor(async () => (await status(id)) === 'lapsed', { timeoutMs: 15_000, what: 'lapsed' });
    const request = await sandbox.request(id);
    const reminded = (await sandbox.auditEvents()).filter((e) => e.requestId === id && e.type === 'reminded');
    const dms = sandbox.slack
      .messages({ channel: approverDm })
      .filter((m) => m.text?.includes(`Reminder`) && m.text.includes(id));
    const queue = new Queue(QUEUE_NAME, { connection: sandbox.redis, prefix: sandbox.prefix });
    const third = await queue.getJob(`nudge-${id}-3`);
    await queue.close();

    // Filed at t0: reminder 1 at t0 + 1 s, reminder 2 at t0 + 3 s (2 s later), reminder 3 would be t0 + 7 s > lapse.
    expect(reminded.map((e) => e.detail?.['n'])).toEqual(['1', '2']);
    const [first, second] = reminded.map((e) => e.at);
    expect((first ?? 0) - (request?.createdAt ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(1_900);
    expect(dms.map((m) => /Reminder (\d)/.exec(m.text ?? '')?.[1])).toEqual(['1', '2']);
    expect(reminded.every((e) => e.detail?.['approvers'] === PEOPLE.approver1)).toBe(true);
    expect(third).toBeUndefined();
  });
});

describe('step-up for cluster-admin', () => {
  it('a forged Approve without the modal is refused; a wrong name is refused in the modal; the right name approves', async () => {
    const { id, card } = await filed(PEOPLE.erin, 'grant me cluster-admin on prod for 1h because INC-7');

    expect(textOf(card)).toContain('eks_access_approve_step_up');
    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await ephemeralTo(PEOPLE.approver1, /needs a step-up/);
    const afterForged = await status(id);

    await sandbox.clickButton(PEOPLE.approver1, 'eks_access_approve_step_up', id, card);
    const modal = await modalFor(id, 'eks_access_step_up');
    const wrong = await sandbox.submitView(PEOPLE.approver1, modal.view, { step_up_cluster: { cluster_name: 'prod' } });
    const afterWrong = await status(id);
    const right = await sandbox.submitView(PEOPLE.approver1, modal.view, {
      step_up_cluster: { cluster_name: 'prod-cluster' },
    });
    await waitFor(async () => (await status(id)) === 'granted', { timeoutMs: 15_000, what: 'granted' });

    expect(afterForged).toBe('pending');
    const modalText = JSON.stringify(modal.view['blocks']);
    for (const expected of [ARNS.erin, 'prod-cluster', CLUSTER_ADMIN, 'whole cluster', '1h']) {
      expect(modalText).toContain(expected);
    }
    expect(JSON.parse(wrong.body)).toMatchObject({
      response_action: 'errors',
      errors: { step_up_cluster: expect.stringContaining('nothing was approved') },
    });
    expect(afterWrong).toBe('pending');
    expect(right.status).toBe(200);
    expect(sandbox.eks.policies('prod-cluster', ARNS.erin).map((p) => p.policyArn)).toEqual([CLUSTER_ADMIN]);
    expect(await refusalsFor(id)).toEqual(expect.arrayContaining(['step_up_required', 'step_up_mismatch']));
  });
});

describe('the card shows the current access beside the change', () => {
  it('bot grants and the access entry’s policies, gathered when the request is filed', async () => {
    const first = await filed(PEOPLE.dave, 'grant me view on prod for 2h');
    await sandbox.click(PEOPLE.approver2, 'approve', {
      channel: first.card.channel,
      ts: first.card.ts,
      value: first.id,
    });
    await waitFor(async () => (await status(first.id)) === 'granted', { timeoutMs: 15_000, what: 'granted' });

    const second = await filed(PEOPLE.dave, 'grant me edit on prod');
    const text = textOf(second.card);

    expect(text).toContain('Current access on this cluster');
    expect(text).toContain(first.id);
    expect(text).toContain('AmazonEKSViewPolicy');
    expect((await sandbox.request(second.id))?.currentAccess?.entry).toEqual({
      kind: 'present',
      policies: [{ policyArn: VIEW, scope: 'whole cluster', accessScope: { type: 'cluster' } }],
    });
  });

  it('says unknown when AWS does not answer, never guessing', async () => {
    sandbox.eks.failNext('DescribeAccessEntry', 1, {
      status: 403,
      code: 'AccessDeniedException',
      message: 'not allowed',
    });

    const { id, card } = await filed(PEOPLE.alice, 'grant me view on prod for 1h');

    expect(textOf(card)).toContain('EKS access entry: unknown');
    expect((await sandbox.request(id))?.currentAccess?.entry).toMatchObject({ kind: 'unknown' });
  });
});
