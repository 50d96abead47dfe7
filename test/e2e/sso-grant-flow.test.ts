import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { APPROVAL_CHANNEL, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Issue 19 end to end from the identity source to the cluster: two people with no `users:` entry sign in to the
 * same IAM Identity Center permission set (`identity.sso`); the bot finds each by their Slack profile email
 * (users.info). A grant for one binds only that session's username; the shared role gets no policy, the other
 * person gets nothing, and "I'm done" leaves the role's entry (or aws-auth) as it was before.
 */
const ACCOUNT = '111122223333';
const ROLE_NAME = 'AWSReservedSSO_Developer_0123abcd';
const DEVELOPER = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${ROLE_NAME}`;
const SAM = 'U0SSOSAM';
const TESS = 'U0SSOTESS';
const SAM_USER = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/sam-example.com`;
const TESS_USER = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/tess-example.com`;

let sandbox: E2eSandbox;
useRunningBot(
  (started) => {
    sandbox = started;
    sandbox.slack.addUser({ id: SAM, name: 'sam', email: 'sam@example.com' });
    sandbox.slack.addUser({ id: TESS, name: 'tess', email: 'tess@example.com' });
  },
  {
    topLevelExtra: `identity:\n  sso:\n    - accountId: "${ACCOUNT}"\n      roleArn: ${DEVELOPER}\n      sessionName: email\n`,
  },
);

beforeAll(() => {
  sandbox.iam.addRole(DEVELOPER);
});

const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

async function grant(user: string, text: string): Promise<string> {
  const sent = await sandbox.mention(user, text);
  const ack = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
  const id = /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '';
  const approverDm = sandbox.slack.dmChannelFor(PEOPLE.approver1);
  const card = await sandbox.slack.waitForMessage(
    (m) => (m.channel === APPROVAL_CHANNEL || m.channel === approverDm) && textOf(m).includes(id),
  );
  await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
  await waitFor(async () => ['granted', 'failed'].includes((await sandbox.request(id))?.status ?? ''), {
    timeoutMs: 30_000,
    what: `${id} applied`,
  });
  return id;
}

async function done(user: string, id: string): Promise<void> {
  await sandbox.mention(user, "I'm done");
  await waitFor(async () => (await sandbox.request(id))?.status === 'revoked', { timeoutMs: 30_000, what: 'revoked' });
}

function bindingsNaming(cluster: 'prod-cluster' | 'old-cluster', user: string) {
  return sandbox.kube[cluster].bindings().filter((b) => b.subjects.some((s) => s.kind === 'User' && s.name === user));
}

describe('an IAM Identity Center user found by Slack email, granted on the shared role', () => {
  it('access entries: one binding for their session, no policy on the role, the role entry as before after the end', async () => {
    sandbox.eks.seedAccessEntry('prod-cluster', { principalArn: DEVELOPER, tags: { team: 'platform' } });
    const before = sandbox.eks.entry('prod-cluster', DEVELOPER);

    const id = await grant(SAM, 'grant me view on prod-cluster for 1h');

    const stored = await sandbox.request(id);
    expect(stored).toMatchObject({ status: 'granted', identitySource: 'sso', session: 'sam@example.com' });
    expect(bindingsNaming('prod-cluster', SAM_USER)).toHaveLength(1);
    expect(sandbox.eks.policies('prod-cluster', DEVELOPER)).toEqual([]);
    expect(sandbox.eks.callsTo('AssociateAccessPolicy').filter((c) => c.body.includes(ROLE_NAME))).toEqual([]);
    const kube = sandbox.kube['prod-cluster'];
    expect(kube.review({ user: SAM_USER, verb: 'get', resource: 'pods' })).toBe(true);
    // Tess signs in to the same role with her own session: nothing was granted to her.
    expect(kube.review({ user: TESS_USER, verb: 'get', resource: 'pods' })).toBe(false);

    await done(SAM, id);

    expect(bindingsNaming('prod-cluster', SAM_USER)).toEqual([]);
    expect(kube.review({ user: SAM_USER, verb: 'get', resource: 'pods' })).toBe(false);
    expect(sandbox.eks.entry('prod-cluster', DEVELOPER)).toEqual(before);
  });

  it('aws-auth: a session-template item and one binding for the rendered name; the end restores aws-auth', async () => {
    const awsAuth = () => sandbox.kube['old-cluster'].configMap('kube-system', 'aws-auth');
    const mapRolesBefore = awsAuth()?.data?.['mapRoles'];

    const id = await grant(SAM, 'grant me view on old-cluster for 1h');

    expect((await sandbox.request(id))?.status).toBe('granted');
    const items = parse(awsAuth()?.data?.['mapRoles'] ?? '[]') as { rolearn: string; username?: string }[];
    expect(items.find((i) => i.rolearn === `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`)?.username).toBe(
      'sso:{{SessionName}}',
    );
    expect(bindingsNaming('old-cluster', 'sso:sam-example.com')).toHaveLength(1);
    expect(sandbox.kube['old-cluster'].review({ user: 'sso:tess-example.com', verb: 'get', resource: 'pods' })).toBe(
      false,
    );

    await done(SAM, id);

    expect(bindingsNaming('old-cluster', 'sso:sam-example.com')).toEqual([]);
    expect(awsAuth()?.data?.['mapRoles']).toBe(mapRolesBefore);
  });
});
