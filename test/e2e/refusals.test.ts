import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

let sandbox: E2eSandbox;
useRunningBot((started) => {
  sandbox = started;
});

const blocksText = (m: SlackMessage) => JSON.stringify(m.blocks ?? []);

async function submitted(user: string, text: string): Promise<{ id: string; card: SlackMessage; threadTs: string }> {
  const sent = await sandbox.mention(user, text);
  const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
  const id = /Request `(R[0-9A-Z]+)`/.exec(reply.text ?? '')?.[1] ?? '';
  const card = await sandbox.slack.waitForMessage((m) => m.channel === APPROVAL_CHANNEL && blocksText(m).includes(id));
  return { id, card, threadTs: sent.ts };
}

async function ephemeralFor(user: string, pattern: RegExp): Promise<SlackMessage> {
  return await waitFor(
    () =>
      sandbox.slack.messages({ isEphemeral: true }).find((m) => m.ephemeralTo === user && pattern.test(m.text ?? '')),
    { what: `an ephemeral message for ${user} matching ${pattern}` },
  );
}

describe('refusals: a clear answer, nothing changed', () => {
  it('an unknown cluster gets the list of clusters and the closest name, and no request', async () => {
    const sent = await sandbox.mention(PEOPLE.alice, 'grant me view on prod-clustr');

    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);

    expect(reply.text).toContain("I don't know a cluster called `prod-clustr`");
    expect(reply.text).toContain('Did you mean `prod-cluster`?');
    expect(reply.text).toContain('`staging`');
    expect(
      sandbox.slack.messages({ channel: APPROVAL_CHANNEL }).some((m) => (m.text ?? '').includes('prod-clustr')),
    ).toBe(false);
  });

  it('an unmapped Slack user is told they are not mapped and whom to ask', async () => {
    const sent = await sandbox.mention(PEOPLE.stranger, 'grant me view on prod');

    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);

    expect(reply.text).toContain(`<@${PEOPLE.stranger}> is not mapped to an AWS identity`);
    expect(reply.text).toContain(`<@${PEOPLE.approver1}>`);
  });

  it('a 100 KB message gets a short answer and creates nothing', async () => {
    const sent = await sandbox.mention(PEOPLE.alice, `grant me view on prod ${'x'.repeat(100_000)}`);

    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);

    expect(sent.status).toBe(200);
    expect(reply.text).toContain('too long');
    expect((reply.text ?? '').length).toBeLessThan(300);
  });

  it('gibberish gets help with examples', async () => {
    const sent = await sandbox.dm(PEOPLE.alice, 'bananas');

    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts);

    expect(reply.text).toContain("I didn't understand that");
    expect(blocksText(reply)).toContain('grant me view on prod-cluster for 4h');
  });

  it('a non-approver’s click is refused visibly and the request stays pending', async () => {
    const { id, card } = await submitted(PEOPLE.dave, 'grant me edit on prod');

    await sandbox.click(PEOPLE.stranger, 'approve', { channel: card.channel, ts: card.ts, value: id });
    const refusal = await ephemeralFor(PEOPLE.stranger, /not an approver/);

    expect(refusal.channel).toBe(APPROVAL_CHANNEL);
    expect((await sandbox.request(id))?.status).toBe('pending');
    expect(sandbox.eks.entry('prod-cluster', ARNS.dave)).toBeUndefined();
    const audit = await sandbox.auditEvents();
    expect(
      audit.some((e) => e.requestId === id && e.type === 'refused' && e.detail?.['code'] === 'not_an_approver'),
    ).toBe(true);
  });

  it('an approver cannot approve a request they made', async () => {
    const { id, card } = await submitted(PEOPLE.approver1, 'grant me view on prod');

    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await ephemeralFor(PEOPLE.approver1, /cannot approve or deny a request that you made/);

    expect((await sandbox.request(id))?.status).toBe('pending');
  });

  it('a button edited to point at another request is refused as not belonging to that card', async () => {
    const first = await submitted(PEOPLE.erin, 'grant me view on prod');
    const second = await submitted(PEOPLE.alice, 'grant me cluster-admin on prod');

    await sandbox.click(PEOPLE.approver2, 'approve', {
      channel: first.card.channel,
      ts: first.card.ts,
      value: second.id,
    });
    await ephemeralFor(PEOPLE.approver2, /does not belong to this request card/);

    expect((await sandbox.request(second.id))?.status).toBe('pending');
    expect((await sandbox.request(first.id))?.status).toBe('pending');
  });

  it('a button carrying a hostile value is refused and stores nothing', async () => {
    const { card } = await submitted(PEOPLE.carol, 'grant me view on prod');

    await sandbox.click(PEOPLE.approver2, 'approve', { channel: card.channel, ts: card.ts, value: '../../{{x}}\n*' });
    await ephemeralFor(PEOPLE.approver2, /cannot find that request/);

    expect(await sandbox.request('../../{{x}}\n*')).toBeUndefined();
  });

  it('Deny ends the request, tells the requester and removes the buttons', async () => {
    const { id, card, threadTs } = await submitted(PEOPLE.bob, 'grant me admin on prod');

    await sandbox.click(PEOPLE.approver2, 'deny', { channel: card.channel, ts: card.ts, value: id });
    // Deny asks for a reason in a modal; submitting it is what denies.
    const modal = await sandbox.slack.waitForView((v) => (v.view.private_metadata ?? '').includes(id), 10_000);
    await sandbox.submitView(PEOPLE.approver2, modal.view, { deny_reason: { reason: 'admin is too much here' } });
    const told = await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /Denied/.test(m.text ?? ''));

    expect(told.text).toContain(`<@${PEOPLE.approver2}>`);
    expect(JSON.stringify(told.blocks)).toContain(
      '"action_id":"eks_access_diagnose","text":{"type":"plain_text","text":"Diagnose my access"},"value":"prod-cluster"',
    );
    await sandbox.clickButton(PEOPLE.bob, 'eks_access_diagnose', 'prod-cluster', told);
    const diagnosis = await waitFor(
      () => sandbox.slack.messages({ threadTs }).find((m) => m.history.length > 0 && !/Checking/.test(m.text ?? '')),
      { timeoutMs: 15_000, what: 'a diagnosis after clicking Diagnose' },
    );
    expect(JSON.stringify(diagnosis.blocks)).toContain('prod-cluster');
    expect((await sandbox.request(id))?.status).toBe('denied');
    // The card refresh is queued (coalesced per request): wait for it, then check the buttons went.
    const updated = await sandbox.slack.waitForMessage(
      (m) => m.channel === APPROVAL_CHANNEL && m.ts === card.ts && m.history.length > 0,
    );
    expect(blocksText(updated)).not.toContain('eks_access_approve');
    expect(sandbox.eks.entry('prod-cluster', ARNS.bob)).toBeUndefined();
  });
});
