import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

const IN_FLIGHT = 60;
const USERS = [PEOPLE.alice, PEOPLE.bob, PEOPLE.dave, PEOPLE.erin, PEOPLE.carol];

let sandbox: E2eSandbox;
const processes: BotProcess[] = [];

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  await sandbox?.close();
});

async function start(role: 'web' | 'worker'): Promise<BotProcess> {
  const bot = spawnBot([role], sandbox.env);
  processes.push(bot);
  await bot.waitForOutput(/eks-access is running/, 60_000);
  return bot;
}

it('the web process SIGKILLed with requests in flight: every 200 is processed, the rest after Slack redelivers, each once', async () => {
  const web = await start('web');
  await start('worker');
  const events = Array.from({ length: IN_FLIGHT }, (_, i) => ({
    user: USERS[i % USERS.length] ?? PEOPLE.alice,
    eventId: `EvWEBKILL${String(i).padStart(4, '0')}`,
    ts: `${Math.floor(Date.now() / 1000)}.${String(i).padStart(6, '0')}`,
  }));

  // A stream of requests; the kill lands once some are answered, while others are stored and not yet answered
  // or not yet read.
  let answered = 0;
  const first = events.map(async (e, i) => {
    await new Promise((resolve) => setTimeout(resolve, i * 15));
    const status = await sandbox
      .mention(e.user, 'grant me view on staging', { eventId: e.eventId, ts: e.ts })
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) answered += 1;
    return status;
  });
  await waitFor(() => answered >= 10, { timeoutMs: 30_000, what: 'ten answers' });
  await web.kill('SIGKILL');
  const statuses = await Promise.all(first);
  const acked = events.filter((_, i) => statuses[i] === 200);
  const lost = events.filter((_, i) => statuses[i] !== 200);

  // What got a 200 is processed without any help.
  for (const e of acked) {
    await waitFor(() => sandbox.slack.messages({ threadTs: e.ts }).length > 0, {
      timeoutMs: 60_000,
      what: `an answer to acknowledged ${e.eventId}`,
    });
  }
  // Slack redelivers what it got no 200 for (and, to show it is harmless, we redeliver everything).
  await start('web');
  const redelivered = await Promise.all(
    events.map((e) =>
      sandbox.mention(e.user, 'grant me view on staging', {
        eventId: e.eventId,
        ts: e.ts,
        retryNum: 1,
        retryReason: 'http_error',
      }),
    ),
  );
  for (const e of events) {
    await waitFor(() => sandbox.slack.messages({ threadTs: e.ts }).length > 0, {
      timeoutMs: 60_000,
      what: `an answer to ${e.eventId}`,
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 1_500));

  console.log(`web killed: ${acked.length} acknowledged, ${lost.length} without a 200`);
  expect(acked.length).toBeGreaterThanOrEqual(10);
  expect(lost.length).toBeGreaterThan(0);
  expect(redelivered.every((r) => r.status === 200)).toBe(true);
  for (const e of events) {
    const answers = sandbox.slack.messages({ threadTs: e.ts }).filter((m) => /Request `R/.test(m.text ?? ''));
    expect({ event: e.eventId, answers: answers.length }).toEqual({ event: e.eventId, answers: 1 });
  }
  const requested = (await sandbox.auditEvents()).filter((e) => e.type === 'requested');
  expect(requested).toHaveLength(IN_FLIGHT);
});
