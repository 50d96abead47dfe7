import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { ask, ephemeralFor, GROUPS, statusOf, textOf, usePolicyBot } from '../support/policy-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';
const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy';
const APPROVER1_ARN = 'arn:aws:iam::111122223333:user/approver1';

let sandbox: E2eSandbox;
usePolicyBot((started) => {
  sandbox = started;
  sandbox.slack.setUserGroup(GROUPS.oncall, [PEOPLE.approver2, PEOPLE.carol]);
});

async function cardFor(id: string): Promise<SlackMessage> {
  return await sandbox.slack.waitForMessage((m) => m.channel === APPROVAL_CHANNEL && textOf(m).includes(id), 10_000);
}

const click = async (user: string, id: string) => {
  const card = await cardFor(id);
  return await sandbox.click(user, 'approve', { channel: card.channel, ts: card.ts, value: id });
};

describe('approval policies through Slack', () => {
  it('edit on staging is approved by a member of the S0ONCALL user group, not by the cluster-wide approver', async () => {
    const { id } = await ask(sandbox, PEOPLE.alice, 'grant me edit on staging for 1h because deploy');

    await click(PEOPLE.approver1, id);
    const refusal = await ephemeralFor(sandbox, PEOPLE.approver1, /not an approver/);
    await click(PEOPLE.approver2, id);
    await statusOf(sandbox, id, 'granted');

    expect(refusal.text).toContain(`<!subteam^${GROUPS.oncall}>`);
    expect(sandbox.eks.policies('staging', ARNS.alice).map((p) => p.policyArn)).toContain(EDIT);
    expect((await sandbox.request(id))?.approvals.map((a) => a.by)).toEqual([PEOPLE.approver2]);
    // The `granted` audit event is appended just after the status changes: wait for it, not for the status.
    const events = await waitFor(async () => {
      const mine = (await sandbox.auditEvents()).filter((e) => e.requestId === id);
      return mine.some((e) => e.type === 'granted') && mine;
    });
    expect(events.map((e) => `${e.type}:${e.actor}`)).toEqual([
      `requested:${PEOPLE.alice}`,
      `refused:${PEOPLE.approver1}`,
      `approved:${PEOPLE.approver2}`,
      'applying:eks-access',
      'granted:eks-access',
    ]);
    expect(sandbox.slack.callsTo('usergroups.users.list').length).toBeGreaterThanOrEqual(1);
  });

  // Since issue 16 nobody approves their own access, allowSelfApproval or not: it lets an approver approve a request
  // they filed for someone else. Before, this test had approver1 approve their own admin grant.
  it('lets an approver approve the admin request they filed for someone else where allowSelfApproval is set, never their own', async () => {
    const forAlice = await ask(
      sandbox,
      PEOPLE.approver1,
      `grant <@${PEOPLE.alice}> admin on staging for 30m because upgrade`,
    );
    await click(PEOPLE.approver1, forAlice.id);
    await statusOf(sandbox, forAlice.id, 'granted');

    const own = await ask(sandbox, PEOPLE.approver1, 'grant me admin on staging for 30m because upgrade');
    await click(PEOPLE.approver1, own.id);
    const refusal = await ephemeralFor(sandbox, PEOPLE.approver1, /made or that grants you access/);

    expect(sandbox.eks.policies('staging', ARNS.alice).map((p) => p.policyArn)).toContain(ADMIN);
    expect((await sandbox.request(forAlice.id))?.approvals.map((a) => a.by)).toEqual([PEOPLE.approver1]);
    expect(refusal.ephemeralTo).toBe(PEOPLE.approver1);
    expect((await sandbox.request(own.id))?.status).toBe('pending');
    expect(sandbox.eks.policies('staging', APPROVER1_ARN).map((p) => p.policyArn)).not.toContain(ADMIN);
    const refused = (await sandbox.auditEvents()).find((e) => e.requestId === own.id && e.type === 'refused');
    expect(refused?.detail?.['code']).toBe('self_approval');
  });

  it('auto-approves view twice a day with the allowance shown, then falls back to a person', async () => {
    const first = await ask(sandbox, PEOPLE.dave, 'grant me view on staging for 1h because logs');
    await statusOf(sandbox, first.id, 'granted');
    const second = await ask(sandbox, PEOPLE.dave, 'grant me view on staging for 2h because logs');
    await statusOf(sandbox, second.id, 'granted');
    const third = await ask(sandbox, PEOPLE.dave, 'grant me view on staging for 3h because logs');
    const thirdStatus = (await sandbox.request(third.id))?.status;
    await click(PEOPLE.approver1, third.id);
    await statusOf(sandbox, third.id, 'granted');

    expect(first.reply.text).toContain('Approved by policy');
    expect(first.reply.text).toContain('1 of 2 automatic approvals left today');
    expect(second.reply.text).toContain('0 of 2 automatic approvals left today');
    expect(third.reply.text).toContain('Waiting for approval');
    expect(third.reply.text).toContain('a person must approve');
    expect(thirdStatus).toBe('pending');
    // Approvers get no card to decide on: each policy approval is a line in the approval channel's digest.
    for (const id of [first.id, second.id]) {
      const digest = await sandbox.slack.waitForMessage(
        (m) =>
          m.channel === APPROVAL_CHANNEL && textOf(m).includes(id) && /approved by policy in the last/.test(textOf(m)),
      );
      expect(textOf(digest)).not.toContain('eks_access_approve');
      const cards = sandbox.slack
        .messages({ channel: APPROVAL_CHANNEL })
        .filter((m) => textOf(m).includes(`Access request ${id}`));
      expect(cards).toEqual([]);
    }
    expect(sandbox.eks.policies('staging', ARNS.dave).map((p) => p.policyArn)).toEqual([VIEW]);
    const audit = await sandbox.auditEvents();
    const approvedBy = (id: string) => audit.find((e) => e.requestId === id && e.type === 'approved')?.actor;
    expect([approvedBy(first.id), approvedBy(second.id), approvedBy(third.id)]).toEqual([
      'policy',
      'policy',
      PEOPLE.approver1,
    ]);
  });
});
