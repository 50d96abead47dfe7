import { AssociateAccessPolicyCommand, DisassociateAccessPolicyCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { fileAndApprove } from '../support/approved-request.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { ARNS, BOT_KEY, type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';
const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy';
/** Short grants so expiry happens within the test: staging's admin default is 4 s. */
const STAGING_DURATIONS =
  '    durations:\n      view: { default: 4s, max: 2h }\n      edit: { default: 4s, max: 2h }\n      admin: { default: 4s, max: 2h }\n';

let sandbox: E2eSandbox;
let bot: BotProcess;
const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
const status = async (id: string) => (await sandbox.request(id))?.status;
/** What the EKS fake holds for a principal on staging, order-free: the thing every test here asserts. */
const stateOf = (arn: string) => {
  const entry = sandbox.eks.entry('staging', arn);
  if (!entry) return null;
  return {
    username: entry.username,
    kubernetesGroups: entry.kubernetesGroups,
    policies: entry.policies
      .map((p) => ({
        policyArn: p.policyArn,
        scope:
          p.accessScope.type === 'namespace'
            ? { type: 'namespace', namespaces: [...(p.accessScope.namespaces ?? [])].sort() }
            : { type: 'cluster' },
      }))
      .sort((a, b) => a.policyArn.localeCompare(b.policyArn)),
  };
};

beforeAll(async () => {
  sandbox = await startE2eSandbox({ stagingExtra: STAGING_DURATIONS });
  // The reconciler would end a grant whose policy was removed by hand (drift) before "I'm done" does: keep it away.
  sandbox.env['EKS_ACCESS_RECONCILE_MS'] = '3600000';
  bot = spawnBot(['start'], sandbox.env);
  await bot.waitForOutput(/eks-access is running/);
});

afterAll(async () => {
  await bot?.kill('SIGTERM');
  await sandbox?.close();
});

async function granted(
  user: string,
  text: string,
): Promise<{ id: string; threadTs: string; reply: SlackMessage; card: SlackMessage }> {
  const { id, threadTs, card } = await fileAndApprove(sandbox, user, text);
  const sent = { ts: threadTs };
  const reply = await sandbox.slack.waitForMessage(
    (m) => m.threadTs === sent.ts && /now has/.test(m.text ?? ''),
    15_000,
  );
  return { id, threadTs: sent.ts, reply, card };
}

async function done(user: string, grant: { id: string; reply: SlackMessage }): Promise<void> {
  await sandbox.clickButton(user, 'eks_access_done', grant.id, grant.reply);
  await waitFor(async () => (await status(grant.id)) === 'revoked', { timeoutMs: 15_000, what: `${grant.id} revoked` });
}

describe('a grant is a reversible delta on what the principal had before', () => {
  it('(a) a policy scoped to namespace team-a, widened to the cluster, is back on team-a after expiry', async () => {
    sandbox.eks.seedAccessEntry('staging', {
      principalArn: ARNS.erin,
      username: 'erin',
      kubernetesGroups: ['readers'],
      policies: [{ policyArn: ADMIN, accessScope: { type: 'namespace', namespaces: ['team-a'] } }],
    });
    const before = stateOf(ARNS.erin);

    const grant = await granted(PEOPLE.erin, 'grant me admin on staging');
    const during = stateOf(ARNS.erin);
    await waitFor(async () => (await status(grant.id)) === 'expired', { timeoutMs: 15_000, what: 'expired' });
    const notice = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === grant.threadTs && /expired/.test(m.text ?? ''),
    );

    expect(textOf(grant.card)).toContain('Now: `AmazonEKSAdminPolicy` on namespace `team-a`');
    expect(textOf(grant.card)).toContain('after: back to namespace `team-a`');
    expect(during?.policies).toEqual([{ policyArn: ADMIN, scope: { type: 'cluster' } }]);
    expect(stateOf(ARNS.erin)).toEqual(before);
    expect(textOf(notice)).toContain('`AmazonEKSAdminPolicy` restored to namespace `team-a` as before the grant');
    const ended = (await sandbox.auditEvents()).find((e) => e.type === 'expired' && e.requestId === grant.id);
    expect(ended?.detail?.['evidence']).toContain('restored to namespace');
  });

  it('(a) revoke gives the same restore: the prior scope exactly, nothing removed', async () => {
    sandbox.eks.seedAccessEntry('staging', {
      principalArn: ARNS.dave,
      policies: [{ policyArn: VIEW, accessScope: { type: 'namespace', namespaces: ['team-a', 'team-b'] } }],
    });
    const before = stateOf(ARNS.dave);

    const grant = await granted(PEOPLE.dave, 'grant me view in namespace team-c on staging for 1h');
    const during = stateOf(ARNS.dave);
    await done(PEOPLE.dave, grant);

    expect(during?.policies[0]?.scope).toEqual({ type: 'namespace', namespaces: ['team-a', 'team-b', 'team-c'] });
    expect(stateOf(ARNS.dave)).toEqual(before);
  });

  it.each([
    ['first-started ends first', [0, 1]],
    ['last-started ends first', [1, 0]],
  ])(
    '(d) two overlapping grants with different levels and scopes, %s: the end state is the prior state',
    async (_, order) => {
      const who = order[0] === 0 ? { user: PEOPLE.alice, arn: ARNS.alice } : { user: PEOPLE.bob, arn: ARNS.bob };
      sandbox.eks.seedAccessEntry('staging', {
        principalArn: who.arn,
        policies: [
          { policyArn: VIEW, accessScope: { type: 'namespace', namespaces: ['team-a'] } },
          { policyArn: EDIT, accessScope: { type: 'namespace', namespaces: ['team-a'] } },
        ],
      });
      const before = stateOf(who.arn);

      const grants = [
        await granted(who.user, 'grant me edit in namespace team-b on staging for 1h'),
        await granted(who.user, 'grant me view on staging for 1h'),
      ];
      const during = stateOf(who.arn);
      const [firstEnd, secondEnd] = order.map((i) => grants[i]);
      if (!firstEnd || !secondEnd) throw new Error('two grants expected');
      await done(who.user, firstEnd);
      const between = stateOf(who.arn);
      await done(who.user, secondEnd);

      expect(during?.policies).toEqual([
        { policyArn: EDIT, scope: { type: 'namespace', namespaces: ['team-a', 'team-b'] } },
        { policyArn: VIEW, scope: { type: 'cluster' } },
      ]);
      // Between the ends, exactly what the remaining grant needs on top of the prior state.
      expect(between?.policies).toEqual(
        order[0] === 0
          ? [
              { policyArn: EDIT, scope: { type: 'namespace', namespaces: ['team-a'] } },
              { policyArn: VIEW, scope: { type: 'cluster' } },
            ]
          : [
              { policyArn: EDIT, scope: { type: 'namespace', namespaces: ['team-a', 'team-b'] } },
              { policyArn: VIEW, scope: { type: 'namespace', namespaces: ['team-a'] } },
            ],
      );
      expect(stateOf(who.arn)).toEqual(before);
      expect((await sandbox.request(grants[1]?.id ?? ''))?.preState?.prior?.inheritedFrom).toBe(grants[0]?.id);
    },
  );

  it('(d) a grant with no entry before: the entry it created is deleted once the last overlapping grant ends', async () => {
    const first = await granted(PEOPLE.carol, 'grant me view in namespace team-a on staging for 1h');
    const second = await granted(PEOPLE.carol, 'grant me edit on staging for 1h');

    await done(PEOPLE.carol, first);
    const between = stateOf(ARNS.carolRole);
    await done(PEOPLE.carol, second);

    expect(between?.policies).toEqual([{ policyArn: EDIT, scope: { type: 'cluster' } }]);
    expect(stateOf(ARNS.carolRole)).toBeNull();
  });
});

describe('drift during a grant', () => {
  /** A person changing the cluster directly, through the EKS API (the fake sees an ordinary client). */
  async function byHand(send: (eks: EKSClient) => Promise<unknown>): Promise<void> {
    const eks = new EKSClient({ region: 'eu-west-1', endpoint: sandbox.eks.url, credentials: BOT_KEY });
    try {
      await send(eks);
    } finally {
      eks.destroy();
    }
  }

  it('(g) a scope changed by hand is reported in the thread and the audit, and left as the person set it', async () => {
    sandbox.eks.seedAccessEntry('staging', {
      principalArn: ARNS.alice,
      policies: [{ policyArn: ADMIN, accessScope: { type: 'namespace', namespaces: ['team-a'] } }],
    });
    const grant = await granted(PEOPLE.alice, 'grant me admin on staging for 1h');
    await byHand((eks) =>
      eks.send(
        new AssociateAccessPolicyCommand({
          clusterName: 'staging',
          principalArn: ARNS.alice,
          policyArn: ADMIN,
          accessScope: { type: 'namespace', namespaces: ['team-z'] },
        }),
      ),
    );
    const changed = stateOf(ARNS.alice);

    await done(PEOPLE.alice, grant);
    const notice = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === grant.threadTs && /revoked/.test(m.text ?? ''),
    );

    expect(changed?.policies).toEqual([{ policyArn: ADMIN, scope: { type: 'namespace', namespaces: ['team-z'] } }]);
    expect(stateOf(ARNS.alice)).toEqual(changed);
    expect(textOf(notice)).toContain('left as it is for a person to decide');
    expect(textOf(notice)).toContain(
      '`AmazonEKSAdminPolicy` is on namespace `team-z`, but eks-access set the whole cluster (before the grant: namespace `team-a`)',
    );
    const ended = (await sandbox.auditEvents()).find((e) => e.type === 'revoked' && e.requestId === grant.id);
    expect(ended?.detail?.['leftForPerson']).toContain('team-z');
    expect((await sandbox.request(grant.id))?.ended?.leftForPerson).toHaveLength(1);
  });

  it('(g) a policy the grant added and someone removed by hand is reported; the rest is as before', async () => {
    const before = stateOf(ARNS.dave);
    const grant = await granted(PEOPLE.dave, 'grant me edit on staging for 1h');
    await byHand((eks) =>
      eks.send(
        new DisassociateAccessPolicyCommand({ clusterName: 'staging', principalArn: ARNS.dave, policyArn: EDIT }),
      ),
    );

    await done(PEOPLE.dave, grant);
    const notice = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === grant.threadTs && /revoked/.test(m.text ?? ''),
    );

    expect(before).not.toBeNull();
    expect(stateOf(ARNS.dave)).toEqual(before);
    expect(textOf(notice)).toContain('`AmazonEKSEditPolicy` is no longer associated');
    const ended = (await sandbox.auditEvents()).find((e) => e.type === 'revoked' && e.requestId === grant.id);
    expect(ended?.detail?.['leftForPerson']).toContain('AmazonEKSEditPolicy');
  });
});
