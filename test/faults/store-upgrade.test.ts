import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { STORE_SCHEMA_VERSION } from '../../src/core/request/store-schema.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { ARNS, type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { freePort } from '../support/free-port.ts';
import { version1Request, writeVersion1Store } from '../support/version-1-store.ts';
import { waitFor } from '../support/wait-for.ts';

const HOUR = 3_600_000;
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
/** The thread of the old pending request: a message alice posted before the upgrade. */
const THREAD = { channel: 'C0GENERAL', ts: '1700000000.000200' };

let sandbox: E2eSandbox;
let bots: BotProcess[] = [];
const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
  const now = Date.now();
  // Stored by the version-1 code: a request filed three days ago and never decided (prod-cluster's pendingTimeout
  // is the default day, but version 1 scheduled no lapse), and erin's grant, active for two more hours.
  sandbox.slack.userPosted({ ...THREAD, user: PEOPLE.alice, text: 'grant me view on prod-cluster' });
  await writeVersion1Store(
    sandbox.redis,
    sandbox.prefix,
    [
      version1Request({
        id: 'RV1UNDECIDED',
        status: 'pending',
        channel: THREAD.channel,
        threadTs: THREAD.ts,
        createdAt: now - 72 * HOUR,
        updatedAt: now - 72 * HOUR,
      }),
      version1Request({
        id: 'RV1ERIN',
        status: 'granted',
        requester: PEOPLE.erin,
        subject: PEOPLE.erin,
        principalArn: ARNS.erin,
        approvals: [{ by: PEOPLE.approver1, at: now - HOUR }],
        createdAt: now - 2 * HOUR,
        updatedAt: now - HOUR,
        outcome: {
          principalArn: ARNS.erin,
          policyArn: VIEW,
          hadEntryBefore: false,
          hadPolicyBefore: false,
          verifiedAt: now - HOUR,
          expiresAt: now + 2 * HOUR,
        },
      }),
    ],
    { expiryJobFor: ['RV1ERIN'] },
  );
  sandbox.eks.seedAccessEntry('prod-cluster', { principalArn: ARNS.erin, policies: [{ policyArn: VIEW }] });
  // A web and a worker process started together, as a deployment rolls out: both look at the stored version.
  bots = [
    spawnBot(['web'], sandbox.env),
    spawnBot(['worker'], { ...sandbox.env, EKS_ACCESS_WORKER_PORT: String(await freePort()) }),
  ];
  await Promise.all(bots.map((bot) => bot.waitForOutput(/eks-access is running/, 85_000)));
}, 90_000);

afterAll(async () => {
  await Promise.all(bots.map((bot) => bot.kill('SIGTERM')));
  await sandbox?.close();
});

describe('web and worker started together on a store of the previous format', () => {
  it('one of them upgrades it, and they serve the old requests: the undecided one lapses, the grant is time-bound access', async () => {
    await waitFor(async () => (await sandbox.request('RV1UNDECIDED'))?.status === 'lapsed', {
      timeoutMs: 20_000,
      what: 'the old pending request lapsed',
    });
    const told = await sandbox.slack.waitForMessage(
      (m) => m.channel === THREAD.channel && m.threadTs === THREAD.ts && /Lapsed/.test(m.text ?? ''),
      10_000,
    );
    expect(told.text).toContain('nobody decided');

    const asked = await sandbox.mention(PEOPLE.approver1, 'who has access to prod-cluster');
    const reply = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === asked.ts && m.user !== PEOPLE.approver1,
      15_000,
    );
    const timeBound = textOf(reply).slice(textOf(reply).indexOf('Time-bound'));
    expect(timeBound).toContain('user/erin');
    expect(timeBound).toContain('RV1ERIN');
    expect(await sandbox.redis.get(`${sandbox.prefix}:schema-version`)).toBe(String(STORE_SCHEMA_VERSION));
    // Exactly one process upgraded; the other waited for it or found the store current.
    expect(bots.filter((bot) => /stored data upgraded/.test(bot.output()))).toHaveLength(1);
  });

  it('a later start on a store a newer eks-access wrote is refused, naming both versions', async () => {
    await Promise.all(bots.map((bot) => bot.kill('SIGTERM')));
    bots = [];
    const newer = String(STORE_SCHEMA_VERSION + 1);
    await sandbox.redis.set(`${sandbox.prefix}:schema-version`, newer);

    const refused = spawnBot(['worker'], sandbox.env);
    // A worker that starts anyway is reported as such at once, not by the test's timeout.
    const running = refused.waitForOutput(/eks-access is running/, 50_000).then(() => 'running' as const);
    const code = await Promise.race([refused.exited, running.catch(() => refused.exited)]);
    await refused.kill('SIGKILL');

    expect(code).toBe(1);
    expect(refused.output()).toContain(
      `stored format version ${newer}, but this eks-access knows versions up to ${STORE_SCHEMA_VERSION}`,
    );
    expect(refused.output()).not.toMatch(/eks-access is running/);
    expect(await sandbox.redis.get(`${sandbox.prefix}:schema-version`)).toBe(newer);
  });
});
