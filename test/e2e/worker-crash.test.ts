import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';

let sandbox: E2eSandbox;
const processes: BotProcess[] = [];

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  await sandbox?.close();
});

function start(role: 'web' | 'worker'): BotProcess {
  const bot = spawnBot([role], sandbox.env);
  processes.push(bot);
  return bot;
}

it('a worker SIGKILLed between CreateAccessEntry and AssociateAccessPolicy: after restart the grant completes, once', async () => {
  const web = start('web');
  const firstWorker = start('worker');
  await Promise.all([web.waitForOutput(/eks-access is running/), firstWorker.waitForOutput(/eks-access is running/)]);
  const sent = await sandbox.mention(PEOPLE.alice, 'grant me view on prod for 1h');
  const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''));
  const id = /Request `(R[0-9A-Z]+)`/.exec(reply.text ?? '')?.[1] ?? '';
  const card = await sandbox.slack.waitForMessage(
    (m) => m.channel === APPROVAL_CHANNEL && JSON.stringify(m.blocks).includes(id),
  );
  const hold = sandbox.eks.hold('AssociateAccessPolicy');

  await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
  await hold.arrived;
  await firstWorker.kill('SIGKILL');
  hold.drop();
  const midway = await sandbox.request(id);
  const entryMidway = sandbox.eks.entry('prod-cluster', ARNS.alice);
  const policiesMidway = sandbox.eks.policies('prod-cluster', ARNS.alice);
  const secondWorker = start('worker');
  await waitFor(async () => (await sandbox.request(id))?.status === 'granted', { timeoutMs: 30_000, what: 'granted' });
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  expect(midway?.status).toBe('applying');
  expect(entryMidway?.tags['eks-access/request']).toBe(id);
  expect(policiesMidway).toEqual([]);
  expect(secondWorker.child.exitCode).toBeNull();
  const creates = sandbox.eks.callsTo('CreateAccessEntry').filter((c) => c.status === 200);
  expect(creates).toHaveLength(1);
  expect(sandbox.eks.policies('prod-cluster', ARNS.alice).map((p) => p.policyArn)).toEqual([VIEW]);
  const outcomes = sandbox.slack
    .messages({ threadTs: sent.ts })
    .filter((m: SlackMessage) => /now has/.test(m.text ?? ''));
  expect(outcomes).toHaveLength(1);
  const stored = await sandbox.request(id);
  expect(stored?.outcome).toMatchObject({ hadEntryBefore: false, hadPolicyBefore: false });
  const granted = (await sandbox.auditEvents()).filter((e) => e.requestId === id && e.type === 'granted');
  expect(granted).toHaveLength(1);
});
