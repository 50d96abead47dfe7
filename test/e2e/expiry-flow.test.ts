import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { fileAndApprove } from '../support/approved-request.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { ARNS, type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';
/** Short grants so expiry happens within the test: staging's view default is 4 s. */
const STAGING_DURATIONS = '    durations:\n      view: { default: 4s, max: 2h }\n';

let sandbox: E2eSandbox;
const processes: BotProcess[] = [];
const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

beforeAll(async () => {
  sandbox = await startE2eSandbox({ stagingExtra: STAGING_DURATIONS });
  sandbox.env['EKS_ACCESS_RECONCILE_MS'] = '1000';
  sandbox.env['EKS_ACCESS_REMINDER_LEAD_MS'] = '3000';
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGTERM')));
  await sandbox?.close();
});

function start(role: 'start' | 'web' | 'worker'): BotProcess {
  const bot = spawnBot([role], sandbox.env);
  processes.push(bot);
  return bot;
}

async function granted(user: string, text: string): Promise<{ id: string; threadTs: string; reply: SlackMessage }> {
  const { id, threadTs } = await fileAndApprove(sandbox, user, text);
  const sent = { ts: threadTs };
  const reply = await sandbox.slack.waitForMessage(
    (m) => m.threadTs === sent.ts && /now has/.test(m.text ?? ''),
    15_000,
  );
  return { id, threadTs: sent.ts, reply };
}

const status = async (id: string) => (await sandbox.request(id))?.status;

describe('access that ends by itself', () => {
  let bot: BotProcess;
  beforeAll(async () => {
    bot = start('start');
    await bot.waitForOutput(/eks-access is running/);
  });

  it('grant → expiry → the entry it created is removed, with a notice in the thread and a DM', async () => {
    const { id, threadTs, reply } = await granted(PEOPLE.dave, 'grant me view on staging');

    expect(textOf(reply)).toContain('Access ends by itself at');
    expect(textOf(reply)).toContain('eks_access_done');
    await waitFor(async () => (await status(id)) === 'expired', { timeoutMs: 15_000, what: 'expired' });
    const notice = await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /expired/.test(m.text ?? ''));

    expect(sandbox.eks.entry('staging', ARNS.dave)).toBeUndefined();
    expect(notice.text).toContain('up to 15 minutes');
    const dm = await sandbox.slack.waitForMessage(
      (m) => m.channel === sandbox.slack.dmChannelFor(PEOPLE.dave) && /expired/.test(m.text ?? ''),
    );
    expect(dm.text).toContain('up to 15 minutes');
  });

  it('leaves what the principal had before the grant', async () => {
    sandbox.eks.seedAccessEntry('staging', { principalArn: ARNS.erin, policies: [{ policyArn: EDIT }] });

    const { id } = await granted(PEOPLE.erin, 'grant me view on staging');
    await waitFor(async () => (await status(id)) === 'expired', { timeoutMs: 15_000, what: 'expired' });

    expect(sandbox.eks.entry('staging', ARNS.erin)).toBeDefined();
    expect(sandbox.eks.policies('staging', ARNS.erin).map((p) => p.policyArn)).toEqual([EDIT]);
  });

  it('counts overlapping grants: the first to expire leaves the second intact', async () => {
    const long = await granted(PEOPLE.alice, 'grant me view in namespace b on staging for 1h');
    const short = await granted(PEOPLE.alice, 'grant me view in namespace a on staging');
    const merged = sandbox.eks.policies('staging', ARNS.alice);

    await waitFor(async () => (await status(short.id)) === 'expired', { timeoutMs: 15_000, what: 'short expired' });

    expect(merged.find((p) => p.policyArn === VIEW)?.accessScope).toMatchObject({
      type: 'namespace',
      namespaces: ['a', 'b'],
    });
    expect(await status(long.id)).toBe('granted');
    expect(sandbox.eks.policies('staging', ARNS.alice).find((p) => p.policyArn === VIEW)?.accessScope).toMatchObject({
      type: 'namespace',
      namespaces: ['b'],
    });
  });

  it('revoke on request, twice: the second time is a calm no-op', async () => {
    const { id } = await granted(PEOPLE.bob, 'grant me view on staging for 1h');

    const first = await sandbox.mention(PEOPLE.bob, 'revoke my access to staging');
    const firstReply = await sandbox.slack.waitForMessage((m) => m.threadTs === first.ts, 15_000);
    const second = await sandbox.mention(PEOPLE.bob, 'revoke my access to staging');
    const secondReply = await sandbox.slack.waitForMessage((m) => m.threadTs === second.ts, 15_000);

    // The answer is the ended notice itself, posted where the revoke was asked (no separate summary).
    expect(firstReply.text).toContain('was revoked by');
    expect(await status(id)).toBe('revoked');
    expect(sandbox.eks.entry('staging', ARNS.bob)).toBeUndefined();
    expect(secondReply.text).toContain('Nothing to revoke');
  });

  it('ends a grant early from its "I\'m done" button', async () => {
    const { id, reply } = await granted(PEOPLE.carol, 'grant me view on staging for 1h');

    await sandbox.clickButton(PEOPLE.carol, 'eks_access_done', id, reply);
    await waitFor(async () => (await status(id)) === 'revoked', { timeoutMs: 15_000, what: 'revoked' });

    expect(sandbox.eks.entry('staging', ARNS.carolRole)).toBeUndefined();
    const audit = (await sandbox.auditEvents()).filter((e) => e.requestId === id).map((e) => e.type);
    expect(audit).toContain('revoked');
  });

  it('reminds before expiry; Extend, once approved, carries the access on with no gap', async () => {
    const first = await granted(PEOPLE.carol, 'grant me view on staging');
    const reminder = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === first.threadTs && /ends in about/.test(m.text ?? ''),
      10_000,
    );

    expect(textOf(reminder)).toContain('eks_access_extend');
    await sandbox.clickButton(PEOPLE.carol, 'eks_access_extend', first.id, reminder);
    const extensionId = `${first.id}E`;
    const card = await sandbox.slack.waitForMessage(
      (m) => m.channel === sandbox.slack.dmChannelFor(PEOPLE.approver1) && textOf(m).includes(extensionId),
      10_000,
    );
    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: extensionId });
    await waitFor(async () => (await status(extensionId)) === 'granted', {
      timeoutMs: 10_000,
      what: 'extension granted',
    });
    await waitFor(async () => (await status(first.id)) === 'expired', { timeoutMs: 10_000, what: 'first expired' });

    expect(sandbox.eks.policies('staging', ARNS.carolRole).map((p) => p.policyArn)).toEqual([VIEW]);
    await waitFor(async () => (await status(extensionId)) === 'expired', {
      timeoutMs: 10_000,
      what: 'extension expired',
    });
    expect(sandbox.eks.entry('staging', ARNS.carolRole)).toBeUndefined();
  });

  it('with every worker down past an expiry, a worker that starts revokes it within the reconciler interval', async () => {
    const { id } = await granted(PEOPLE.dave, 'grant me view on staging');
    await bot.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const whileDown = await status(id);

    const worker = start('worker');
    await worker.waitForOutput(/eks-access is running/);
    await waitFor(async () => (await status(id)) === 'expired', { timeoutMs: 8_000, what: 'expired after restart' });

    expect(whileDown).toBe('granted');
    expect(sandbox.eks.entry('staging', ARNS.dave)).toBeUndefined();
  });
});

describe("an end whose notice waits for the channel's posting budget", () => {
  beforeAll(async () => {
    // The other tests run with pacing off; this one needs the product's own (about one post a second per channel).
    await Promise.all(processes.splice(0).map((p) => p.kill('SIGTERM')));
    const bot = spawnBot(['start'], { ...sandbox.env, EKS_ACCESS_SLACK_POST_INTERVAL_MS: '1000' });
    processes.push(bot);
    await bot.waitForOutput(/eks-access is running/);
  });

  it("an end whose notice waits for the channel's posting budget: the entry goes on time, the notice follows once", async () => {
    const { id, threadTs, reply } = await granted(PEOPLE.bob, 'grant me view on staging');
    // The thread's channel is full for the next ~10 s (the pacer's GCRA time, in Redis's clock): the end's notice
    // waits longer than the worker's 5 s, so its job goes back to the queue after the end was recorded.
    const [seconds] = await sandbox.redis.time();
    const fullUntil = Number(seconds) * 1000 + 12_000;
    await sandbox.redis.set(`${sandbox.prefix}:slack-pace:${reply.channel}`, String(fullUntil), 'PX', 20_000);

    await waitFor(async () => (await status(id)) === 'expired', { timeoutMs: 15_000, what: 'expired' });
    expect(sandbox.eks.entry('staging', ARNS.bob)).toBeUndefined();
    const isNotice = (m: SlackMessage) => m.threadTs === threadTs && /expired/.test(m.text ?? '');
    expect(sandbox.slack.messages().filter(isNotice)).toHaveLength(0);

    // The re-run job finds the grant ended and posts what it could not before: once.
    await sandbox.slack.waitForMessage(isNotice, 30_000);
    await new Promise((done) => setTimeout(done, 2_000));
    expect(sandbox.slack.messages().filter(isNotice)).toHaveLength(1);
  });
});
