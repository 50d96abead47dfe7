import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

/** Issue 16's smaller findings, each through the wire: signed Slack requests in, the fakes' and the audit's end state out. */
let sandbox: E2eSandbox;
useRunningBot((started) => {
  sandbox = started;
});

const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

async function filed(user: string, text: string): Promise<{ id: string; card: SlackMessage; threadTs: string }> {
  const sent = await sandbox.mention(user, text);
  const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
  const id = /Request `(R[0-9A-Z]+)`/.exec(reply.text ?? '')?.[1] ?? '';
  const card = await sandbox.slack.waitForMessage((m) => m.channel === APPROVAL_CHANNEL && textOf(m).includes(id));
  return { id, card, threadTs: sent.ts };
}

async function grantedOnStaging(user: string): Promise<{ id: string; reply: SlackMessage }> {
  const sent = await sandbox.mention(user, 'grant me view on staging for 1h');
  const ack = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
  const id = /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '';
  const card = await sandbox.slack.waitForMessage(
    (m) => m.channel === sandbox.slack.dmChannelFor(PEOPLE.approver1) && textOf(m).includes(id),
  );
  await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
  const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /now has/.test(m.text ?? ''));
  return { id, reply };
}

async function ephemeralFor(user: string, pattern: RegExp): Promise<SlackMessage> {
  return await waitFor(
    () =>
      sandbox.slack.messages({ isEphemeral: true }).find((m) => m.ephemeralTo === user && pattern.test(m.text ?? '')),
    { what: `an ephemeral message for ${user} matching ${pattern}` },
  );
}

async function refusedEvent(match: (detail: Readonly<Record<string, string>>, actor: string) => boolean) {
  return await waitFor(
    async () => (await sandbox.auditEvents()).find((e) => e.type === 'refused' && match(e.detail ?? {}, e.actor)),
    { what: 'a refused audit event' },
  );
}

describe('issue 16, the smaller findings', () => {
  it('Extend on a denied request is refused, audited, and files nothing', async () => {
    const { id, card, threadTs } = await filed(PEOPLE.dave, 'grant me edit on prod because INC-7');
    await sandbox.click(PEOPLE.approver2, 'deny', { channel: card.channel, ts: card.ts, value: id });
    const modal = await sandbox.slack.waitForView((v) => (v.view.private_metadata ?? '').includes(id), 10_000);
    await sandbox.submitView(PEOPLE.approver2, modal.view, { deny_reason: { reason: 'not today' } });
    const denied = await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /Denied/.test(m.text ?? ''));

    await sandbox.clickButton(PEOPLE.dave, 'eks_access_extend', id, denied);
    const refusal = await ephemeralFor(PEOPLE.dave, /can be extended/);

    expect(refusal.text).toContain('this request is denied; nothing was filed');
    expect(await sandbox.request(`${id}E`)).toBeUndefined();
    const event = await refusedEvent((d, actor) => d['action'] === 'extend' && actor === PEOPLE.dave);
    expect(event.detail?.['code']).toBe('not_extendable');
    expect(event.requestId).toBe(id);
    const audit = await sandbox.auditEvents();
    expect(audit.some((e) => e.type === 'requested' && e.requestId === `${id}E`)).toBe(false);
    expect(sandbox.eks.entry('prod-cluster', ARNS.dave)).toBeUndefined();
  });

  it('a refused `revoke @alice` from a non-approver is audited, and nothing is revoked', async () => {
    const sent = await sandbox.mention(PEOPLE.erin, `revoke <@${PEOPLE.alice}> on prod`);
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);

    expect(reply.text).toContain('You are not an approver for this cluster');
    const event = await refusedEvent((d, actor) => d['action'] === 'revoke' && actor === PEOPLE.erin);
    expect(event.detail?.['code']).toBe('not_an_approver');
    expect(event.cluster).toBe('prod-cluster');
  });

  it('"I\'m done" clicked by a stranger names the approvers, is audited, and the grant stays', async () => {
    const { id, reply } = await grantedOnStaging(PEOPLE.bob);

    await sandbox.clickButton(PEOPLE.stranger, 'eks_access_done', id, reply);
    const refusal = await ephemeralFor(PEOPLE.stranger, /not an approver/);

    expect(refusal.text).toContain(`Approvers: <@${PEOPLE.approver1}>.`);
    expect(refusal.text).not.toContain('Approvers: .');
    const event = await refusedEvent((d, actor) => d['action'] === 'end' && actor === PEOPLE.stranger);
    expect(event.detail?.['code']).toBe('not_an_approver');
    expect(event.requestId).toBe(id);
    expect((await sandbox.request(id))?.status).toBe('granted');
    expect(sandbox.eks.entry('staging', ARNS.bob)).toBeDefined();
  });

  it.each([
    ['grant me admin on prod for -5h', 'negative_duration', 'A duration cannot be negative'],
    ['grant me view on prod and staging for 1h', 'two_clusters', 'One request is for one cluster'],
  ])('%j gets a clarifying reply and files nothing', async (text, reason, wording) => {
    const sent = await sandbox.mention(PEOPLE.alice, text);
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);

    expect(reply.text).toContain(wording);
    const event = await refusedEvent((d, actor) => d['reason'] === reason && actor === PEOPLE.alice);
    expect(event.detail?.['code']).toBe('unparseable');
    expect(await sandbox.request(event.requestId ?? '')).toBeUndefined();
    expect(sandbox.eks.entry('prod-cluster', ARNS.alice)).toBeUndefined();
    expect(sandbox.eks.entry('staging', ARNS.alice)).toBeUndefined();
  });
});
