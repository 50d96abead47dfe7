import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { APPROVAL_CHANNEL, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { ask, ephemeralFor, statusOf, textOf, usePolicyBot } from '../support/policy-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Who may ask for whom (issue 16). Prod has no list of its own, so the top-level `requestForOthers` (Dave) applies;
 * staging lists Bob and the S0LEADS group (Carol), which replaces the top-level list there. Staging auto-approves
 * view twice a day per person and lets admin be approved by its requester (allowSelfApproval).
 */
const LEADS = 'S0LEADS';
let sandbox: E2eSandbox;
usePolicyBot(
  (started) => {
    sandbox = started;
    sandbox.slack.setUserGroup(LEADS, [PEOPLE.carol]);
  },
  {
    stagingExtra: `    requestForOthers: [${PEOPLE.bob}, ${LEADS}]\n`,
    topLevelExtra: `requestForOthers: [${PEOPLE.dave}]\n`,
  },
);

const REFUSED = /only for yourself/;
const forOthersRefusals = async (actor: string) =>
  (await sandbox.auditEvents()).filter(
    (e) => e.type === 'refused' && e.actor === actor && e.detail?.['code'] === 'request_for_others_not_allowed',
  );
const dmOf = (user: string) => sandbox.slack.dmChannelFor(user);
const messageNow = (m: SlackMessage) =>
  sandbox.slack.messages({ channel: m.channel }).find((n) => n.ts === m.ts) as SlackMessage;
/** The DM telling `subject` that someone else asked for access for them. */
const noticeTo = (subject: string, id: string) =>
  sandbox.slack.waitForMessage(
    (m) => m.channel === dmOf(subject) && textOf(m).includes(id) && /asked for/.test(m.text ?? ''),
  );
const cardOf = (id: string) =>
  sandbox.slack.waitForMessage((m) => m.channel === APPROVAL_CHANNEL && textOf(m).includes(`Access request ${id}`));

describe('requests for someone else', () => {
  it('refuses a non-approver who is not listed, visibly and audited, and files nothing (mention and /eks)', async () => {
    const before = sandbox.slack.messages({ channel: APPROVAL_CHANNEL }).length;

    const mention = await ask(sandbox, PEOPLE.erin, `grant <@${PEOPLE.alice}> view on prod-cluster for 1h`, REFUSED);
    const command = await sandbox.command(PEOPLE.erin, `grant <@${PEOPLE.alice}|alice> admin on prod-cluster`);
    const commandReply = await sandbox.slack.waitForMessage(
      (m) => m.channel === dmOf(PEOPLE.erin) && REFUSED.test(m.text ?? ''),
    );
    const refusals = await waitFor(async () => {
      const found = await forOthersRefusals(PEOPLE.erin);
      return found.length === 2 && found;
    });

    expect(command.status).toBe(200);
    for (const reply of [mention.reply, commandReply]) {
      expect(reply.ephemeralTo).toBeUndefined();
      expect(reply.text).toContain(`nothing was filed for <@${PEOPLE.alice}>`);
      expect(reply.text).toContain('`requestForOthers`');
      expect(reply.text).toContain(`<@${PEOPLE.approver1}>, <@${PEOPLE.approver2}>, <@${PEOPLE.dave}>`);
    }
    for (const event of refusals) {
      expect(event.detail?.['subject']).toBe(PEOPLE.alice);
      expect(await sandbox.request(event.requestId ?? '')).toBeUndefined();
    }
    expect(sandbox.slack.messages({ channel: APPROVAL_CHANNEL }).length).toBe(before);
    expect(sandbox.slack.messages({ channel: dmOf(PEOPLE.alice) })).toEqual([]);
  });

  it("files an approver's request for someone else, tells that person in a DM, and lets them cancel it", async () => {
    const { id, reply } = await ask(
      sandbox,
      PEOPLE.approver1,
      `grant <@${PEOPLE.bob}> view on prod-cluster for 1h because on-call`,
    );
    const card = await cardOf(id);
    const notice = await noticeTo(PEOPLE.bob, id);

    expect(textOf(notice)).toContain(`<@${PEOPLE.approver1}> asked for *view* on \`prod-cluster\``);
    expect(textOf(notice)).toContain('<#C0GENERAL>');
    // The request's link: the message it was asked in, as chat.getPermalink gives it.
    expect(textOf(notice)).toMatch(
      /<https:\/\/[a-z]+\.slack\.com\/archives\/C0GENERAL\/p\d+(\?[^|>]*)?\|this message>/,
    );
    expect(textOf(notice)).toContain('eks_access_cancel');
    // Approver1 asked and may not approve it here (no allowSelfApproval on prod): only approver2 is waited for.
    expect(reply.text).toContain(`Waiting for approval from <@${PEOPLE.approver2}> in`);
    expect(reply.text).not.toContain(`<@${PEOPLE.approver1}>`);

    await sandbox.clickButton(PEOPLE.stranger, 'eks_access_cancel', id, notice);
    const refused = await ephemeralFor(sandbox, PEOPLE.stranger, /whom it is for/);
    await sandbox.clickButton(PEOPLE.bob, 'eks_access_cancel', id, notice);
    await statusOf(sandbox, id, 'cancelled');
    await waitFor(() => !textOf(messageNow(notice)).includes('eks_access_cancel'), { what: 'DM without Cancel' });
    expect(textOf(messageNow(notice))).toContain('|this message>');
    await waitFor(() => textOf(messageNow(card)).includes(`Cancelled by <@${PEOPLE.bob}>`), { what: 'card updated' });

    expect(refused.text).toContain(`Only <@${PEOPLE.approver1}>, who made this request, or <@${PEOPLE.bob}>`);
    expect((await sandbox.request(id))?.cancelled?.by).toBe(PEOPLE.bob);
    const audit = (await sandbox.auditEvents()).filter((e) => e.requestId === id);
    expect(audit.map((e) => `${e.type}:${e.actor}`)).toEqual([
      `requested:${PEOPLE.approver1}`,
      `refused:${PEOPLE.stranger}`,
      `cancelled:${PEOPLE.bob}`,
    ]);
    expect(sandbox.eks.entry('prod-cluster', 'arn:aws:iam::111122223333:role/platform/bob-admin')).toBeUndefined();
  });

  it('lets people listed under requestForOthers ask, directly or through a user group; a cluster list replaces the top-level one', async () => {
    const byTopLevel = await ask(sandbox, PEOPLE.dave, `grant <@${PEOPLE.alice}> edit on prod-cluster for 1h`);
    const byListed = await ask(sandbox, PEOPLE.bob, `grant <@${PEOPLE.alice}> edit on staging for 1h`);
    const byGroup = await ask(sandbox, PEOPLE.carol, `grant <@${PEOPLE.alice}> edit on staging for 2h`);
    const daveOnStaging = await ask(sandbox, PEOPLE.dave, `grant <@${PEOPLE.alice}> edit on staging`, REFUSED);

    for (const filed of [byTopLevel, byListed, byGroup]) {
      expect((await sandbox.request(filed.id))?.status).toBe('pending');
      await noticeTo(PEOPLE.alice, filed.id);
    }
    expect((await sandbox.request(byGroup.id))?.requester).toBe(PEOPLE.carol);
    expect(daveOnStaging.reply.text).toContain(`<@${PEOPLE.bob}>, <!subteam^${LEADS}>`);
    expect(daveOnStaging.reply.text).not.toContain(`<@${PEOPLE.dave}>`);
    expect(await forOthersRefusals(PEOPLE.dave)).toHaveLength(1);
  });

  it('never auto-approves for someone else, and counts the automatic-approval cap by the person who gets access', async () => {
    const byBob = await ask(sandbox, PEOPLE.bob, `grant <@${PEOPLE.erin}> view on staging for 1h`);
    const byCarol = await ask(sandbox, PEOPLE.carol, `grant <@${PEOPLE.erin}> view on staging for 1h`);
    const erin1 = await ask(sandbox, PEOPLE.erin, 'grant me view on staging for 1h');
    const erin2 = await ask(sandbox, PEOPLE.erin, 'grant me view on staging for 1h');
    const erin3 = await ask(sandbox, PEOPLE.erin, 'grant me view on staging for 1h');
    const bobOwn = await ask(sandbox, PEOPLE.bob, 'grant me view on staging for 1h');

    for (const filed of [byBob, byCarol]) {
      expect(filed.reply.text).toContain(`it is for <@${PEOPLE.erin}>, not for you, so a person must approve`);
      expect((await sandbox.request(filed.id))?.status).toBe('pending');
    }
    // Two requests by others for Erin spent none of her two automatic approvals; her third finds the cap.
    expect(erin1.reply.text).toContain('1 of 2 automatic approvals left today');
    expect(erin2.reply.text).toContain('0 of 2 automatic approvals left today');
    expect(erin3.reply.text).toContain('a person must approve');
    expect((await sandbox.request(erin3.id))?.status).toBe('pending');
    // Filing for Erin did not spend Bob's own allowance either.
    expect(bobOwn.reply.text).toContain('1 of 2 automatic approvals left today');
    const audit = await sandbox.auditEvents();
    const byPolicy = audit.filter((e) => e.type === 'approved' && e.actor === 'policy').map((e) => e.requestId);
    expect(byPolicy).toEqual(expect.arrayContaining([erin1.id, erin2.id, bobOwn.id]));
    expect(byPolicy).not.toEqual(expect.arrayContaining([byBob.id]));
    expect(byPolicy).not.toEqual(expect.arrayContaining([byCarol.id]));
  });

  it('never lets an approver approve a request for themselves, even with allowSelfApproval and filed by someone else', async () => {
    const { id, reply } = await ask(sandbox, PEOPLE.bob, `grant <@${PEOPLE.approver1}> admin on staging for 30m`);
    const card = await cardOf(id);
    const notice = await noticeTo(PEOPLE.approver1, id);

    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    const refusal = await ephemeralFor(sandbox, PEOPLE.approver1, /that grants you access/);
    const refused = await waitFor(async () =>
      (await sandbox.auditEvents()).find((e) => e.requestId === id && e.type === 'refused'),
    );

    expect(refusal.text).toContain('cannot approve or deny');
    expect((await sandbox.request(id))?.status).toBe('pending');
    expect((await sandbox.request(id))?.approvals).toEqual([]);
    expect(refused.detail?.['code']).toBe('self_approval');
    // Approver1 is the only admin approver on staging and the subject: the reply names nobody to wait for.
    expect(reply.text).not.toMatch(/Waiting for approval from/);
    expect(reply.text).toContain('no configured approver can decide it');
    expect(textOf(notice)).toContain('you cannot approve it yourself');
  });
});
