import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import {
  APPROVAL_CHANNEL,
  ARNS,
  CREATOR_ROLE,
  type E2eSandbox,
  EXECUTOR_ROLE,
  PEOPLE,
} from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';

let sandbox: E2eSandbox;
useRunningBot((started) => {
  sandbox = started;
});

function blocksText(message: SlackMessage): string {
  return JSON.stringify(message.blocks ?? []);
}

function requestIdIn(message: SlackMessage): string {
  const match = /Request `(R[0-9A-Z]+)`/.exec(message.text ?? '');
  if (!match?.[1]) throw new Error(`no request id in ${message.text}`);
  return match[1];
}

async function cardFor(requestId: string, channel = APPROVAL_CHANNEL): Promise<SlackMessage> {
  return await sandbox.slack.waitForMessage((m) => m.channel === channel && blocksText(m).includes(requestId), 10_000);
}

async function requestStatus(id: string, status: string): Promise<void> {
  await waitFor(async () => (await sandbox.request(id))?.status === status, {
    timeoutMs: 20_000,
    what: `${id} ${status}`,
  });
}

describe('grant flow through Slack, Redis, BullMQ and the EKS API', () => {
  it('answers /healthz when Redis is up', async () => {
    const response = await fetch(`http://127.0.0.1:${sandbox.port}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, redis: 'up', queue: 'up' });
  });

  it('mention → card → Approve → verified access entry, thread reply and updated card', async () => {
    const sent = await sandbox.mention(PEOPLE.alice, 'grant me view on prod-cluster for 4h because INC-123');

    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
    const id = requestIdIn(reply);
    const card = await cardFor(id);
    const clicked = await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await requestStatus(id, 'granted');
    const granted = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /now has/.test(m.text ?? ''));

    expect(sent.status).toBe(200);
    expect(clicked.status).toBe(200);
    expect(blocksText(card)).toContain('eks_access_approve');
    expect(blocksText(card)).toContain('INC-123');
    const entry = sandbox.eks.entry('prod-cluster', ARNS.alice);
    expect(entry?.tags).toMatchObject({ 'eks-access/managed-by': 'eks-access', 'eks-access/request': id });
    expect(sandbox.eks.policies('prod-cluster', ARNS.alice)).toEqual([
      expect.objectContaining({ policyArn: VIEW, accessScope: expect.objectContaining({ type: 'cluster' }) }),
    ]);
    expect(blocksText(granted)).toContain(VIEW);
    // Card refreshes are coalesced per request (a short delay gathers approved → applying → granted into one).
    const updatedCard = await sandbox.slack.waitForMessage(
      (m) => m.ts === card.ts && blocksText(m).includes('granted and verified'),
    );
    expect(blocksText(updatedCard)).not.toContain('eks_access_approve');
    expect(updatedCard.history.length).toBeLessThanOrEqual(2);
    const stored = await sandbox.request(id);
    expect(stored).toMatchObject({
      level: 'view',
      durationMs: 4 * 3600_000,
      reason: 'INC-123',
      approvals: [{ by: PEOPLE.approver1 }],
    });
    expect(sandbox.sts.callsTo('AssumeRole').length).toBeGreaterThanOrEqual(1);
    const audit = (await sandbox.auditEvents()).filter((e) => e.requestId === id).map((e) => e.type);
    expect(audit).toEqual(['requested', 'approved', 'applying', 'granted']);
    const grantedEvent = (await sandbox.auditEvents()).find((e) => e.requestId === id && e.type === 'granted');
    expect(grantedEvent?.detail?.['calls']).toContain('eks:CreateAccessEntry');
  });

  it('slash command with a pathed role and a namespace: DM thread, full IAM ARN sent to EKS, namespace scope', async () => {
    const answer = await sandbox.command(PEOPLE.bob, 'grant edit prod in namespace payments for 30m');
    const dm = sandbox.slack.dmChannelFor(PEOPLE.bob);

    const ack = await sandbox.slack.waitForMessage((m) => m.channel === dm && /Request `R/.test(m.text ?? ''));
    const id = requestIdIn(ack);
    const card = await cardFor(id);
    await sandbox.click(PEOPLE.approver2, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await requestStatus(id, 'granted');
    const done = await sandbox.slack.waitForMessage(
      (m) => m.channel === dm && m.threadTs === ack.ts && /now has/.test(m.text ?? ''),
    );

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ response_type: 'ephemeral' });
    expect(done.text).toContain('edit');
    expect(sandbox.eks.entry('prod-cluster', ARNS.bob)?.principalArn).toBe(ARNS.bob);
    expect(sandbox.eks.policies('prod-cluster', ARNS.bob)).toEqual([
      expect.objectContaining({ policyArn: EDIT, accessScope: { type: 'namespace', namespaces: ['payments'] } }),
    ]);
  });

  it('resolves a configured session ARN to the role’s IAM ARN with its path before calling EKS', async () => {
    const sent = await sandbox.dm(PEOPLE.carol, 'i need read-only on staging');

    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
    const id = requestIdIn(reply);
    const approverDm = sandbox.slack.dmChannelFor(PEOPLE.approver1);
    const card = await cardFor(id, approverDm);
    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await requestStatus(id, 'granted');

    expect(sandbox.eks.entry('staging', ARNS.carolRole)?.principalArn).toBe(ARNS.carolRole);
    expect(sandbox.eks.callsTo('CreateAccessEntry').some((c) => c.body.includes('assumed-role'))).toBe(false);
    expect(sandbox.iam.callsTo('GetRole').length).toBeGreaterThanOrEqual(1);
  });

  it('five concurrent Approve clicks produce exactly one CreateAccessEntry', async () => {
    const sent = await sandbox.mention(PEOPLE.dave, 'grant me view on prod');
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
    const id = requestIdIn(reply);
    const card = await cardFor(id);
    const before = sandbox.eks.callsTo('CreateAccessEntry').length;

    const clicks = await Promise.all(
      [PEOPLE.approver1, PEOPLE.approver2, PEOPLE.approver1, PEOPLE.approver2, PEOPLE.approver1].map((user) =>
        sandbox.click(user, 'approve', { channel: card.channel, ts: card.ts, value: id }),
      ),
    );
    await requestStatus(id, 'granted');
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(clicks.map((c) => c.status)).toEqual([200, 200, 200, 200, 200]);
    const creates = sandbox.eks.callsTo('CreateAccessEntry').slice(before);
    expect(creates.filter((c) => c.body.includes(ARNS.dave))).toHaveLength(1);
    const stored = await sandbox.request(id);
    expect(stored?.approvals).toHaveLength(1);
    const outcomes = sandbox.slack.messages({ threadTs: sent.ts }).filter((m) => /now has/.test(m.text ?? ''));
    expect(outcomes).toHaveLength(1);
  });

  it('a CONFIG_MAP cluster ends `failed` with a reply that says it uses aws-auth', async () => {
    const sent = await sandbox.mention(PEOPLE.erin, 'grant me view on legacy-cluster');
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
    const id = requestIdIn(reply);
    const card = await cardFor(id);

    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await requestStatus(id, 'failed');
    const failed = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /failed/.test(m.text ?? ''));

    expect(failed.text).toContain('aws-auth');
    expect(failed.text).toContain('CONFIG_MAP');
    expect(sandbox.eks.entry('legacy-cluster', ARNS.erin)).toBeUndefined();
  });

  it('an AWS refusal ends the request `failed` with plain words, never stuck in `applying`', async () => {
    const sent = await sandbox.mention(PEOPLE.bob, 'grant me view on staging');
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
    const id = requestIdIn(reply);
    const card = await cardFor(id, sandbox.slack.dmChannelFor(PEOPLE.approver1));
    sandbox.eks.failNext('CreateAccessEntry', 1, {
      status: 403,
      code: 'AccessDeniedException',
      message: 'User is not authorized',
    });

    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await requestStatus(id, 'failed');
    const failed = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /failed/.test(m.text ?? ''));

    expect(failed.text).toContain("the executor's AWS identity is not allowed to do this");
    expect(failed.text).toContain('AccessDeniedException');
    expect((await sandbox.request(id))?.failure?.code).toBe('aws_denied');
  });

  it('AWS throttling is retried with backoff and the grant still lands once', async () => {
    const sent = await sandbox.mention(PEOPLE.erin, 'grant me edit on prod');
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
    const id = requestIdIn(reply);
    const card = await cardFor(id);
    sandbox.eks.failNext('AssociateAccessPolicy', 4, {
      status: 429,
      code: 'ThrottlingException',
      message: 'Rate exceeded',
    });

    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await requestStatus(id, 'granted');

    const erinCalls = sandbox.eks
      .callsTo('AssociateAccessPolicy')
      .filter((c) => decodeURIComponent(c.path).includes(ARNS.erin));
    expect(erinCalls.filter((c) => c.status === 429)).toHaveLength(4);
    expect(erinCalls.filter((c) => c.status === 200)).toHaveLength(1);
    expect(sandbox.eks.policies('prod-cluster', ARNS.erin).map((p) => p.policyArn)).toEqual([EDIT]);
  });

  it('a principal that already had an access entry keeps it: recorded as pre-existing, policies added beside', async () => {
    const approver1Arn = 'arn:aws:iam::111122223333:user/approver1';
    sandbox.eks.seedAccessEntry('prod-cluster', { principalArn: approver1Arn, policies: [{ policyArn: VIEW }] });
    const sent = await sandbox.mention(PEOPLE.approver1, 'grant me edit on prod');
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
    const id = requestIdIn(reply);
    const card = await cardFor(id);

    await sandbox.click(PEOPLE.approver2, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await requestStatus(id, 'granted');

    expect((await sandbox.request(id))?.outcome).toMatchObject({ hadEntryBefore: true, hadPolicyBefore: false });
    expect(sandbox.eks.entry('prod-cluster', approver1Arn)?.tags).toEqual({});
    expect(
      sandbox.eks
        .policies('prod-cluster', approver1Arn)
        .map((p) => p.policyArn)
        .sort(),
    ).toEqual([EDIT, VIEW]);
  });

  it('never changes the cluster creator’s access entry: the grant is refused with the reason', async () => {
    const sent = await sandbox.mention(PEOPLE.creator, 'grant me view on prod');
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
    const id = requestIdIn(reply);
    const card = await cardFor(id);

    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await requestStatus(id, 'failed');
    const told = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /failed/.test(m.text ?? ''));

    expect(told.text).toContain('cluster creator');
    expect(sandbox.eks.callsTo('CreateAccessEntry').some((c) => c.body.includes(CREATOR_ROLE))).toBe(false);
    expect((await sandbox.request(id))?.failure?.code).toBe('creator_protected');
  });

  it('assumes the configured executor role once and reuses the credentials until they near expiry', () => {
    const assumed = sandbox.sts.callsTo('AssumeRole');

    expect(assumed).toHaveLength(1);
    expect(decodeURIComponent(assumed[0]?.body ?? '')).toContain(EXECUTOR_ROLE);
  });
});
