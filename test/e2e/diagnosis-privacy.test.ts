import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { ARNS, CREATOR_ROLE, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { GROUPS, POLICY_STAGING } from '../support/policy-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * "Why am I unauthorized?" names who has access to what. Only the cluster's approvers and the person diagnosing
 * their own identity see that; anyone else who pastes an ARN gets the verdict and the fix for it.
 */

const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';
/** Mapped to system:masters in old-cluster's aws-auth (see the sandbox). */
const OPS_ADMIN = 'arn:aws:iam::111122223333:role/ops-admin';
const OPS_STANDING = 'arn:aws:iam::111122223333:role/ops-standing';
const BOB_SESSION = 'arn:aws:sts::111122223333:assumed-role/bob-admin/bob';

let sandbox: E2eSandbox;
useRunningBot(
  (started) => {
    sandbox = started;
    sandbox.iam.addRole(OPS_ADMIN);
    sandbox.iam.addRole(OPS_STANDING);
    // On prod-cluster Bob holds cluster-admin through an access entry, and another role holds edit.
    sandbox.eks.seedAccessEntry('prod-cluster', { principalArn: ARNS.bob, policies: [{ policyArn: ADMIN }] });
    sandbox.eks.seedAccessEntry('prod-cluster', { principalArn: OPS_STANDING, policies: [{ policyArn: EDIT }] });
    // On staging, edit requests are approved by the S0ONCALL user group (POLICY_STAGING): Carol is in it.
    sandbox.eks.seedAccessEntry('staging', { principalArn: ARNS.bob, policies: [{ policyArn: ADMIN }] });
    sandbox.slack.setUserGroup(GROUPS.oncall, [PEOPLE.carol]);
  },
  { stagingExtra: POLICY_STAGING },
);

/** What old-cluster's full diagnosis of ops-admin shows: its system:masters item, the creator (Bob), CloudTrail. */
const OLD_CLUSTER_DETAILS = ['system:masters', ARNS.bob, 'bob-admin', 'CloudTrail'];
/** What else never belongs in a stranger's answer there: the node role item and the mapAccounts account. */
const OLD_CLUSTER_NEVER = [...OLD_CLUSTER_DETAILS, 'system:nodes', 'eks-node-role', '444455556666'];
/** What prod-cluster's full diagnosis of Bob shows: his policy and the creator from CloudTrail. */
const PROD_DETAILS = ['AmazonEKSClusterAdminPolicy', CREATOR_ROLE, 'CloudTrail'];
const PROD_NEVER = [...PROD_DETAILS, 'cluster-creator', 'AmazonEKSEditPolicy', 'ops-standing', 'system:nodes'];

/** Every version of a message, text and blocks. */
const fullText = (m: SlackMessage) => JSON.stringify(m);

const isAnswer = (m: SlackMessage) =>
  m.history.some((v) => /Checking/.test(v.text ?? '')) && !/Checking/.test(m.text ?? '');

/** Waits for the diagnosis in the thread, then returns every message the fake holds for that thread, ephemeral too. */
async function threadAfterDiagnosis(threadTs: string): Promise<{ answer: SlackMessage; all: string }> {
  const answer = await waitFor(() => sandbox.slack.messages({ threadTs }).find(isAnswer), {
    timeoutMs: 15_000,
    what: `a diagnosis in thread ${threadTs}`,
  });
  const all = [...sandbox.slack.messages({ threadTs }), ...sandbox.slack.messages({ threadTs, isEphemeral: true })];
  return { answer, all: all.map(fullText).join('\n') };
}

/** Sends `/eks …`, waits for the diagnosis in the person's DM, and returns every DM message posted since. */
async function commandAnswer(user: string, text: string): Promise<{ answer: SlackMessage; all: string }> {
  const dm = sandbox.slack.dmChannelFor(user);
  const before = new Set(sandbox.slack.messages({ channel: dm }).map((m) => m.ts));
  const sent = await sandbox.command(user, text);
  expect(sent.status).toBe(200);
  const fresh = () => sandbox.slack.messages({ channel: dm }).filter((m) => !before.has(m.ts));
  const answer = await waitFor(() => fresh().find(isAnswer), { timeoutMs: 15_000, what: `a diagnosis in ${dm}` });
  const ephemeral = sandbox.slack.messages({ isEphemeral: true }).filter((m) => m.ephemeralTo === user);
  return { answer, all: [...fresh(), ...ephemeral].map(fullText).join('\n') };
}

function expectNone(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(text, `must not contain ${secret}`).not.toContain(secret);
}

function expectAll(text: string, details: readonly string[]): void {
  for (const detail of details) expect(text, `should contain ${detail}`).toContain(detail);
}

describe('diagnosis privacy', () => {
  it("gives a workspace member who is not in users the verdict and the fix for a pasted ARN, none of anyone's access", async () => {
    const sent = await sandbox.mention(PEOPLE.stranger, `why am I unauthorized on old-cluster as ${OPS_ADMIN}`);

    const { answer, all } = await threadAfterDiagnosis(sent.ts);

    expectNone(all, OLD_CLUSTER_NEVER);
    expect(answer.text).toMatch(/Access diagnosis for old-cluster: Access should work for this identity/);
    expect(all).toContain('Summary only');
    expect(all).toContain('ask an approver of');
    expect(all).toContain(`eks-access doctor --cluster old-cluster --arn ${OPS_ADMIN}`);
  });

  it('shows the same diagnosis in full to an approver of the cluster', async () => {
    const sent = await sandbox.mention(PEOPLE.approver1, `why am I unauthorized on old-cluster as ${OPS_ADMIN}`);

    const { all } = await threadAfterDiagnosis(sent.ts);

    expectAll(all, OLD_CLUSTER_DETAILS);
    expect(all).not.toContain('Summary only');
  });

  it("gives a mapped person asking about someone else's ARN no policies, entries or creator", async () => {
    const sent = await sandbox.mention(PEOPLE.alice, `why am I unauthorized on prod ${ARNS.bob}`);

    const { answer, all } = await threadAfterDiagnosis(sent.ts);

    expectNone(all, PROD_NEVER);
    expect(all).toContain('Summary only');
    // The answer is still about Bob's ARN, and names Alice's own mapping as the one she should use.
    expect(answer.text).toContain(`The ARN given is not ${ARNS.alice}`);
    expect(all).toContain(ARNS.bob);
  });

  it('shows that diagnosis in full to an approver who is not in users', async () => {
    const sent = await sandbox.mention(PEOPLE.approver2, `why am I unauthorized on prod ${ARNS.bob}`);

    const { all } = await threadAfterDiagnosis(sent.ts);

    expectAll(all, PROD_DETAILS);
  });

  it('counts a member of a per-level approver user group as an approver, and nobody else', async () => {
    const member = await sandbox.mention(PEOPLE.carol, `why am I unauthorized on staging as ${ARNS.bob}`);
    const other = await sandbox.mention(PEOPLE.dave, `why am I unauthorized on staging as ${ARNS.bob}`);

    const shown = await threadAfterDiagnosis(member.ts);
    const summary = await threadAfterDiagnosis(other.ts);

    expectAll(shown.all, PROD_DETAILS);
    expectNone(summary.all, PROD_NEVER);
    expect(summary.all).toContain('Summary only');
  });

  it.each([
    ['the identity mapped for him', 'why am I unauthorized on prod'],
    ['a session of his mapped role, pasted', `why am I unauthorized on prod as ${BOB_SESSION}`],
  ])('shows a person their own details when they diagnose %s', async (_, text) => {
    const sent = await sandbox.mention(PEOPLE.bob, text);

    const { all } = await threadAfterDiagnosis(sent.ts);

    expectAll(all, PROD_DETAILS);
    expect(all).not.toContain('Summary only');
  });

  it('applies the same rule to /eks why: a stranger gets the summary in the DM, an approver the details', async () => {
    const stranger = await commandAnswer(PEOPLE.stranger, `why am I unauthorized on old-cluster as ${OPS_ADMIN}`);
    const approver = await commandAnswer(PEOPLE.approver1, `why am I unauthorized on old-cluster as ${OPS_ADMIN}`);

    expectNone(stranger.all, OLD_CLUSTER_NEVER);
    expect(stranger.answer.text).toContain('Access should work for this identity');
    expect(stranger.all).toContain('Summary only');
    expectAll(approver.all, OLD_CLUSTER_DETAILS);
  });

  it("diagnoses only the clicker's own mapping from a Diagnose button, so a stranger learns nothing there either", async () => {
    const sent = await sandbox.mention(
      PEOPLE.stranger,
      `error: You must be logged in to the server (Unauthorized) ${OPS_ADMIN}`,
    );
    const question = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === sent.ts && /Which cluster/.test(m.text ?? ''),
    );

    await sandbox.clickButton(PEOPLE.stranger, 'eks_access_diagnose', 'old-cluster', question);
    await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /which AWS identity/.test(m.text ?? ''));
    const all = [
      ...sandbox.slack.messages({ threadTs: sent.ts }),
      ...sandbox.slack.messages({ threadTs: sent.ts, isEphemeral: true }),
    ];

    expectNone(all.map(fullText).join('\n'), OLD_CLUSTER_NEVER);
  });

  it('records who saw what in the audit stream', async () => {
    const sent = await sandbox.mention(PEOPLE.dave, `why am I unauthorized on old-cluster as ${OPS_ADMIN}`);
    await threadAfterDiagnosis(sent.ts);

    const event = await waitFor(
      async () => (await sandbox.auditEvents()).find((e) => e.type === 'diagnosed' && e.actor === PEOPLE.dave) ?? false,
      { timeoutMs: 10_000, what: "the audit event of Dave's diagnosis" },
    );

    expect(event.detail?.['audience']).toBe('stranger');
  });
});
