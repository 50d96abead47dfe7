import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { ARNS, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

/** The conversation without dead ends: revoke without a cluster, unlinked @names, one reply per action. */
let sandbox: E2eSandbox;
useRunningBot((started) => {
  sandbox = started;
  // The bot caches the member list for minutes, so everyone the tests look up exists from the start.
  sandbox.slack.addUser({ id: PEOPLE.dave, name: 'dave.jones', displayName: 'dave', realName: 'Dave Jones' });
  sandbox.slack.addUser({ id: 'U0SAM1', name: 'sam.a', displayName: 'sam' });
  sandbox.slack.addUser({ id: 'U0SAM2', name: 'sam.b', displayName: 'Sam' });
});

const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
const status = async (id: string) => (await sandbox.request(id))?.status;

async function granted(user: string, text: string): Promise<{ id: string; threadTs: string }> {
  const sent = await sandbox.mention(user, text);
  const ack = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
  const id = /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '';
  const card = await sandbox.slack.waitForMessage(
    (m) => textOf(m).includes(id) && textOf(m).includes('eks_access_approve'),
  );
  await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
  await waitFor(async () => (await status(id)) === 'granted', { timeoutMs: 15_000, what: `${id} granted` });
  return { id, threadTs: sent.ts };
}

describe('revoke with no cluster named', () => {
  it('with no active grant, says so instead of asking which cluster', async () => {
    const sent = await sandbox.mention(PEOPLE.erin, 'revoke');
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);

    expect(reply.text).toContain('Nothing to revoke: you have no active eks-access grant');
    expect(reply.text).not.toContain('Which cluster');
  });

  it('with exactly one active grant, "I\'m done" ends it', async () => {
    const { id } = await granted(PEOPLE.dave, 'grant me view on staging for 1h');

    const sent = await sandbox.mention(PEOPLE.dave, "I'm done");
    await waitFor(async () => (await status(id)) === 'revoked', { timeoutMs: 15_000, what: 'revoked' });
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);

    expect(reply.text).not.toContain('Which cluster');
    expect(sandbox.eks.entry('staging', ARNS.dave)).toBeUndefined();
  });

  it('with several, offers one button per grant, and the button ends only that grant', async () => {
    const onStaging = await granted(PEOPLE.alice, 'grant me view on staging for 1h');
    const onProd = await granted(PEOPLE.alice, 'grant me view on prod-cluster for 1h');

    const sent = await sandbox.mention(PEOPLE.alice, 'revoke');
    const choice = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);

    expect(choice.text).toContain('2 active grants');
    expect(textOf(choice)).toContain('End view on staging');
    expect(textOf(choice)).toContain('End view on prod-cluster');
    expect(textOf(choice)).toMatch(/\(\w+ left\)/);
    expect(await status(onStaging.id)).toBe('granted');
    await sandbox.clickButton(PEOPLE.alice, 'eks_access_done', onProd.id, choice);
    await waitFor(async () => (await status(onProd.id)) === 'revoked', { timeoutMs: 15_000, what: 'revoked' });
    expect(await status(onStaging.id)).toBe('granted');
  });
});

describe('a plain-text @name that Slack did not link', () => {
  it('is looked up in the member list: one match is that person', async () => {
    const sent = await sandbox.mention(PEOPLE.approver1, 'grant @dave view on staging for 1h');
    const ack = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);
    const id = /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '';

    expect(ack.text).toContain('Request `R');
    expect((await sandbox.request(id))?.subject).toBe(PEOPLE.dave);
  });

  it('none or several matches are answered, and nothing is requested', async () => {
    const nobody = await sandbox.mention(PEOPLE.alice, 'grant @nobody view on staging');
    const nobodyReply = await sandbox.slack.waitForMessage((m) => m.threadTs === nobody.ts);
    const sam = await sandbox.mention(PEOPLE.alice, 'revoke @sam on staging');
    const samReply = await sandbox.slack.waitForMessage((m) => m.threadTs === sam.ts);

    expect(nobodyReply.text).toBe("I couldn't find @nobody — mention them so Slack links the name.");
    expect(samReply.text).toBe('@sam matches several people — mention them so Slack links the name.');
    expect(textOf(nobodyReply)).not.toContain('Request `R');
  });
});

describe('one reply per action, in the thread it was asked in', () => {
  const inThread = (threadTs: string) => sandbox.slack.messages().filter((m) => m.threadTs === threadTs);
  const revokedDms = (user: string) =>
    sandbox.slack
      .messages({})
      .filter((m) => m.channel === sandbox.slack.dmChannelFor(user) && /was revoked/.test(m.text ?? ''));

  it('"I\'m done with staging" in a new message: the ended notice there once, the record in the grant thread, no summary, no DM', async () => {
    const { id, threadTs } = await granted(PEOPLE.erin, 'grant me view on staging for 1h');

    const sent = await sandbox.mention(PEOPLE.erin, "I'm done with staging");
    await waitFor(async () => (await status(id)) === 'revoked', { timeoutMs: 15_000, what: 'revoked' });
    await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /was revoked/.test(m.text ?? ''));
    await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /was revoked/.test(m.text ?? ''));

    expect(inThread(sent.ts).map((m) => m.text)).toEqual([expect.stringContaining('was revoked by')]);
    expect(sandbox.slack.messages().some((m) => /Revoked \d+ grant/.test(m.text ?? ''))).toBe(false);
    expect(revokedDms(PEOPLE.erin)).toEqual([]);
  });

  it("written in the grant's own thread: one ended notice in that thread", async () => {
    const { id, threadTs } = await granted(PEOPLE.carol, 'grant me view on staging for 1h');

    await sandbox.mention(PEOPLE.carol, 'revoke my access to staging', { threadTs });
    await waitFor(async () => (await status(id)) === 'revoked', { timeoutMs: 15_000, what: 'revoked' });
    await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /was revoked/.test(m.text ?? ''));

    expect(inThread(threadTs).filter((m) => /was revoked/.test(m.text ?? ''))).toHaveLength(1);
    expect(revokedDms(PEOPLE.carol)).toEqual([]);
  });

  it('"Approved by …; applying…" is updated in place once the grant lands', async () => {
    const { threadTs } = await granted(PEOPLE.bob, 'grant me view on staging for 1h');
    await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /now has/.test(m.text ?? ''));

    const approved = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === threadTs && /Approved by/.test(m.text ?? '') && /granted and verified/.test(m.text ?? ''),
    );
    expect(approved.text).not.toContain('applying');
    expect(inThread(threadTs).filter((m) => /applying/.test(m.text ?? ''))).toEqual([]);
  });
});

describe('the request card shows only the method that will run', () => {
  it('on an aws-auth cluster: the aws-auth diff, no access-entry change and no access-entry look-up', async () => {
    const sent = await sandbox.mention(PEOPLE.bob, 'grant me view on old-cluster');
    const ack = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
    const id = /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '';
    const card = await sandbox.slack.waitForMessage(
      (m) => textOf(m).includes(id) && textOf(m).includes('eks_access_approve'),
    );

    expect(textOf(card)).toContain('Change to aws-auth');
    expect(textOf(card)).toContain('aws-auth item for');
    expect(textOf(card)).not.toContain('AmazonEKSViewPolicy');
    expect(textOf(card)).not.toContain('EKS access entry');
    expect(textOf(card)).not.toContain('InvalidRequestException');
  });
});

describe('a bare "cancel"', () => {
  it('cancels the one pending request and leaves an active grant alone', async () => {
    const active = await granted(PEOPLE.alice, 'grant me view on staging for 1h');
    const sent = await sandbox.mention(PEOPLE.alice, 'grant me edit on prod-cluster');
    const ack = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
    const pendingId = /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '';

    const cancel = await sandbox.mention(PEOPLE.alice, 'cancel');
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === cancel.ts);

    expect(reply.text).toContain(`Cancelled \`${pendingId}\``);
    expect(await status(pendingId)).toBe('cancelled');
    expect(await status(active.id)).toBe('granted');
  });
});

describe("revoke of someone else's access with no cluster named", () => {
  it('asks for the cluster and says nothing about their grants', async () => {
    const sent = await sandbox.mention(PEOPLE.erin, `revoke <@${PEOPLE.alice}>`);
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);

    expect(reply.text).toBe(`Which cluster? Say \`revoke <@${PEOPLE.alice}> on <cluster>\`.`);
  });
});
