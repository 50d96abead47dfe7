import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningRedis, startRedisServer } from '../../src/runtime/redis-server.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

const BURST = 200;
const KILL_AFTER = 70;
const TEXTS = [
  [PEOPLE.alice, 'grant me view on staging'],
  [PEOPLE.bob, 'grant me edit on prod'],
  [PEOPLE.dave, 'grant me view on prod for 2h'],
  [PEOPLE.erin, 'status'],
  [PEOPLE.carol, 'grant me view on staging because INC-9'],
] as const;

let redis: RunningRedis;
let dir: string;
let sandbox: E2eSandbox;
let bot: BotProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eks-access-aof-'));
  redis = await startRedisServer({ dir, isDurable: true });
  sandbox = await startE2eSandbox({ redisUrl: redis.url });
  bot = spawnBot(['start'], sandbox.env);
  await bot.waitForOutput(/eks-access is running/, 60_000);
});

afterAll(async () => {
  await bot?.kill('SIGKILL');
  await sandbox?.close();
  await redis?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Sent {
  user: string;
  text: string;
  eventId: string;
  ts: string;
  status: number;
}

it(`Redis SIGKILLed and restarted from its append-only file during a burst of ${BURST}: every acknowledged request is there and completes`, async () => {
  const sent: Sent[] = [];
  let restartedAt = 0;
  let downAt = 0;
  let restart: Promise<void> = Promise.resolve();
  const send = async (i: number) => {
    const [user, text] = TEXTS[i % TEXTS.length] ?? TEXTS[0];
    const eventId = `EvAOF${String(i).padStart(5, '0')}`;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(i).padStart(6, '0')}`;
    const result = await sandbox.mention(user, text, { eventId, ts }).catch(() => ({ status: 0 }));
    sent.push({ user, text, eventId, ts, status: result.status });
  };
  for (let i = 0; i < BURST; i += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, k) => send(i + k)));
    if (i + 10 === KILL_AFTER) {
      await redis.stop('SIGKILL');
      downAt = Date.now();
      // Restarted from the same directory and port a moment later; the burst goes on meanwhile.
      const port = redis.port;
      restart = new Promise((resolve) => setTimeout(resolve, 1_000))
        .then(() => startRedisServer({ dir, isDurable: true, port }))
        .then((restarted) => {
          redis = restarted;
          restartedAt = Date.now();
        });
    }
  }
  await restart;
  const acked = sent.filter((s) => s.status === 200);
  const refused = sent.filter((s) => s.status !== 200);
  // What was not acknowledged Slack delivers again (same event_id and ts, X-Slack-Retry-Num: 1).
  // Slack retries up to three times; the bot's Redis connection may still be reconnecting (backoff) for the first.
  for (const s of refused) {
    let status = 0;
    for (let retryNum = 1; retryNum <= 3 && status !== 200; retryNum++) {
      if (retryNum > 1) await new Promise((resolve) => setTimeout(resolve, 3_000));
      status = (await sandbox.mention(s.user, s.text, { eventId: s.eventId, ts: s.ts, retryNum })).status;
    }
    expect(status).toBe(200);
  }

  for (const s of sent) {
    await waitFor(() => sandbox.slack.messages({ threadTs: s.ts }).length > 0, {
      timeoutMs: 90_000,
      what: `an answer to ${s.eventId} (${s.status})`,
    });
  }
  const lastAnswer = Math.max(...sent.map((s) => sandbox.slack.messages({ threadTs: s.ts })[0]?.postedAt ?? 0));
  await new Promise((resolve) => setTimeout(resolve, 1_500));

  console.log(
    `acked ${acked.length}, refused while down ${refused.length}, down ${restartedAt - downAt} ms, all answered ${lastAnswer - restartedAt} ms after the restart`,
  );
  expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER);
  expect(refused.length).toBeGreaterThan(0);
  for (const s of sent) {
    expect({ event: s.eventId, answers: sandbox.slack.messages({ threadTs: s.ts }).length }).toEqual({
      event: s.eventId,
      answers: 1,
    });
  }
  const stored = await Promise.all(
    acked
      .filter((s) => s.text.startsWith('grant'))
      .map(async (s) => {
        const reply = sandbox.slack.messages({ threadTs: s.ts })[0];
        const id = /Request `(R[0-9A-Z]+)`/.exec(reply?.text ?? '')?.[1] ?? '';
        return (await sandbox.request(id))?.status;
      }),
  );
  expect(stored.every((status) => status === 'pending')).toBe(true);
  expect(bot.child.exitCode).toBeNull();
});
