import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { ask, ephemeralFor, GROUPS, statusOf, textOf, usePolicyBot } from '../support/policy-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy';
const ACK = 'eks_access_ack_review';

let sandbox: E2eSandbox;
usePolicyBot((started) => {
  sandbox = started;
  sandbox.slack.setUserGroup(GROUPS.sre, [PEOPLE.erin]);
});

async function glassCard(id: string): Promise<SlackMessage> {
  return await sandbox.slack.waitForMessage(
    (m) => m.channel === APPROVAL_CHANNEL && textOf(m).includes('BREAK-GLASS') && textOf(m).includes(id),
    10_000,
  );
}

describe('break-glass through Slack', () => {
  it('grants at once, capped at the maximum, announces loudly, and an approver acknowledges the review', async () => {
    const { id, reply } = await ask(sandbox, PEOPLE.bob, 'break glass admin on staging for 2h because INC-123');
    await statusOf(sandbox, id, 'granted');
    const card = await glassCard(id);
    const on = { channel: card.channel, ts: card.ts };

    await sandbox.clickButton(PEOPLE.bob, ACK, id, on);
    const selfRefusal = await ephemeralFor(sandbox, PEOPLE.bob, /made or that grants you access/);
    await sandbox.clickButton(PEOPLE.dave, ACK, id, on);
    const outsiderRefusal = await ephemeralFor(sandbox, PEOPLE.dave, /not an approver/);
    await sandbox.clickButton(PEOPLE.approver1, ACK, id, on);
    await waitFor(async () => (await sandbox.request(id))?.breakGlass?.acknowledged, { what: 'acknowledged' });
    const acknowledged = await sandbox.slack.waitForMessage(
      (m) => m.ts === card.ts && textOf(m).includes('Review acknowledged by'),
      10_000,
    );

    expect(reply.text).toContain('capped from 2h');
    expect(sandbox.eks.policies('staging', ARNS.bob).map((p) => p.policyArn)).toEqual([ADMIN]);
    const stored = await sandbox.request(id);
    expect(stored).toMatchObject({ level: 'admin', durationMs: 30 * 60_000, reason: 'INC-123', approvals: [] });
    expect(textOf(card)).toContain('<!here>');
    expect(textOf(card)).toContain(ACK);
    expect(textOf(card)).toMatch(/Who.*What.*Why.*INC-123.*Until/);
    expect(textOf(acknowledged)).not.toContain(ACK);
    expect(selfRefusal.ephemeralTo).toBe(PEOPLE.bob);
    expect(outsiderRefusal.ephemeralTo).toBe(PEOPLE.dave);
    expect(stored?.breakGlass?.acknowledged?.by).toBe(PEOPLE.approver1);
    const events = (await sandbox.auditEvents()).filter((e) => e.requestId === id);
    expect(events.map((e) => `${e.type}:${e.actor}`)).toEqual([
      `requested:${PEOPLE.bob}`,
      `break_glass:${PEOPLE.bob}`,
      'applying:eks-access',
      'granted:eks-access',
      `refused:${PEOPLE.bob}`,
      `refused:${PEOPLE.dave}`,
      `break_glass_acknowledged:${PEOPLE.approver1}`,
    ]);
  });

  it('lets a member of the break-glass user group in through the slash command', async () => {
    await sandbox.command(PEOPLE.erin, 'break-glass admin staging because INC-7 database down');
    const dm = sandbox.slack.dmChannelFor(PEOPLE.erin);
    const reply = await sandbox.slack.waitForMessage((m) => m.channel === dm && /Break-glass `R/.test(m.text ?? ''));
    const id = /`(R[0-9A-Z]+)`/.exec(reply.text ?? '')?.[1] ?? '';
    await statusOf(sandbox, id, 'granted');

    expect(sandbox.eks.policies('staging', ARNS.erin).map((p) => p.policyArn)).toEqual([ADMIN]);
    expect((await sandbox.request(id))?.durationMs).toBe(30 * 60_000);
    expect(textOf(await glassCard(id))).toContain('INC-7 database down');
  });

  it.each([
    [PEOPLE.dave, 'break glass admin on staging because INC-9', /not on the break-glass list/],
    [PEOPLE.bob, 'break glass admin on staging', /needs a reason/],
    [PEOPLE.bob, 'break glass admin on prod-cluster because INC-9', /not enabled for `prod-cluster`/],
  ])('refuses %s "%s", grants nothing and audits it', async (user, text, answer) => {
    const before = await sandbox.auditEvents();
    // An earlier test's grant may still be recording its last events: only this message's events count here.
    const earlierRequests = new Set(before.map((e) => e.requestId).filter((id) => id !== undefined));
    const entriesBefore = sandbox.eks.callsTo('CreateAccessEntry').length;

    const sent = await sandbox.mention(user, text);
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && answer.test(m.text ?? ''));

    expect(reply.text).toContain('nothing was granted');
    const added = (await sandbox.auditEvents())
      .slice(before.length)
      .filter((e) => e.requestId === undefined || !earlierRequests.has(e.requestId));
    expect(added.map((e) => `${e.type}:${e.actor}:${e.detail?.['code']}`)).toEqual([
      `refused:${user}:break_glass_refused`,
    ]);
    expect(sandbox.eks.callsTo('CreateAccessEntry').length).toBe(entriesBefore);
  });
});
