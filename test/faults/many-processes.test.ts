import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { freePort } from '../support/free-port.ts';
import { textOf } from '../support/policy-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

// Two `eks-access web` and two `eks-access worker` processes on one Redis, with the production defaults for the
// job lock and the stalled-job check (the other tests shorten them): a worker SIGKILLed while it applies grants
// must have them resumed by the other worker within 15 s, each granted exactly once, each thread answered once (one "received" reply, one "now has").
const PEOPLE_ASKING = [
  [PEOPLE.alice, ARNS.alice],
  [PEOPLE.bob, ARNS.bob],
  [PEOPLE.dave, ARNS.dave],
  [PEOPLE.erin, ARNS.erin],
] as const;
const RESUME_BOUND_MS = 15_000;

let sandbox: E2eSandbox;
let env: NodeJS.ProcessEnv;
const processes: BotProcess[] = [];

beforeAll(async () => {
  sandbox = await startE2eSandbox();
  env = { ...sandbox.env };
  delete env['EKS_ACCESS_LOCK_MS'];
  delete env['EKS_ACCESS_STALLED_INTERVAL_MS'];
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  await sandbox?.close();
});

async function start(role: 'web' | 'worker', extra: NodeJS.ProcessEnv): Promise<BotProcess> {
  const bot = spawnBot([role], { ...env, ...extra });
  processes.push(bot);
  await bot.waitForOutput(/eks-access is running/, 60_000);
  return bot;
}

it('two web and two worker processes: a worker SIGKILLed mid-grant has its jobs resumed by the other within 15 s, each granted once', async () => {
  const secondWebPort = await freePort();
  await start('web', {});
  await start('web', { PORT: String(secondWebPort) });
  const doomed = await start('worker', { EKS_ACCESS_WORKER_PORT: String(await freePort()) });

  // Every grant stops at its policy association, inside the first worker.
  const holds = PEOPLE_ASKING.map(() => sandbox.eks.hold('AssociateAccessPolicy'));
  const asked = [];
  for (const [index, [user]] of PEOPLE_ASKING.entries()) {
    const port = index % 2 === 0 ? sandbox.port : secondWebPort;
    const sent = await sandbox.mention(user, 'grant me view on prod for 1h because INC-20', { port });
    expect(sent.status).toBe(200);
    const reply = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''),
      20_000,
    );
    const id = /Request `(R[0-9A-Z]+)`/.exec(reply.text ?? '')?.[1] ?? '';
    const card = await sandbox.slack.waitForMessage(
      (m) => m.channel === APPROVAL_CHANNEL && textOf(m).includes(id),
      20_000,
    );
    const click = await sandbox.click(
      PEOPLE.approver1,
      'approve',
      { channel: card.channel, ts: card.ts, value: id },
      { port },
    );
    expect(click.status).toBe(200);
    asked.push({ id, threadTs: sent.ts });
  }
  await Promise.all(holds.map((h) => h.arrived));

  await start('worker', { EKS_ACCESS_WORKER_PORT: String(await freePort()) });
  const killedAt = Date.now();
  await doomed.kill('SIGKILL');
  for (const hold of holds) hold.drop();
  for (const { id } of asked) {
    await waitFor(async () => (await sandbox.request(id))?.status === 'granted', {
      timeoutMs: 45_000,
      what: `${id} granted after the kill`,
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 1_500));

  const resumed = sandbox.eks.callsTo('AssociateAccessPolicy').filter((c) => c.at > killedAt && c.status === 200);
  expect(resumed).toHaveLength(PEOPLE_ASKING.length);
  expect(Math.max(...resumed.map((c) => c.at - killedAt))).toBeLessThanOrEqual(RESUME_BOUND_MS);
  const creates = sandbox.eks.callsTo('CreateAccessEntry').filter((c) => c.status === 200);
  expect(creates).toHaveLength(PEOPLE_ASKING.length);
  for (const [user, arn] of PEOPLE_ASKING) {
    expect(
      sandbox.eks.policies('prod-cluster', arn).map((p) => p.policyArn),
      user,
    ).toEqual(['arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy']);
  }
  const audit = await sandbox.auditEvents();
  for (const { id, threadTs } of asked) {
    const thread = sandbox.slack.messages({ threadTs });
    expect(
      thread.filter((m) => /Waiting for approval/.test(m.text ?? '')),
      id,
    ).toHaveLength(1);
    expect(
      thread.filter((m) => /now has/.test(m.text ?? '')),
      id,
    ).toHaveLength(1);
    expect(
      audit.filter((e) => e.requestId === id && e.type === 'granted'),
      id,
    ).toHaveLength(1);
  }
});
