import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuditLog } from '../../src/adapters/store/audit-log.ts';
import { createRequestStore } from '../../src/adapters/store/request-store.ts';
import { asRequestId } from '../../src/core/ids.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { textOf } from '../support/policy-sandbox.ts';
import { type SentinelSet, startSentinelSet } from '../support/redis-topologies.ts';
import { waitFor } from '../support/wait-for.ts';

// The bot on Redis with Sentinel (REDIS_SENTINELS): a primary, one replica, three sentinels. 100 requests at a
// steady rate, the primary SIGKILLed halfway. What the bot answered 200 it had stored and replicated (WAIT), so it
// survives the failover; what it refused Slack sends again and it then completes once. Approving them all grants
// each exactly once.
const TOTAL = 100;
const KILL_AT = 50;
const EVERY_MS = 120;
const ASKERS = [PEOPLE.alice, PEOPLE.bob, PEOPLE.dave, PEOPLE.erin] as const;
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';

let sentinel: SentinelSet;
let sandbox: E2eSandbox;
let bot: BotProcess;
let reader: Redis;

beforeAll(async () => {
  sentinel = await startSentinelSet();
  // The sandbox's own connection goes to the replica: it reads there before the failover and it is the primary after.
  sandbox = await startE2eSandbox({ redisUrl: sentinel.replica.url });
  const env: NodeJS.ProcessEnv = { ...sandbox.env, ...sentinel.env };
  delete env['REDIS_URL'];
  bot = spawnBot(['start'], env);
  await bot.waitForOutput(/eks-access is running/, 60_000);
  reader = new Redis({
    sentinels: sentinel.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    name: sentinel.name,
    maxRetriesPerRequest: null,
  });
  reader.on('error', () => {});
}, 90_000);

afterAll(async () => {
  await bot?.kill('SIGKILL');
  reader?.disconnect();
  await sandbox?.close();
  await sentinel?.stop();
});

interface Sent {
  user: string;
  text: string;
  eventId: string;
  ts: string;
  status: number;
  answeredAt: number;
}

it(`Sentinel failover during ${TOTAL} requests: every acknowledged request is one card, refused ones complete when re-sent, each approved grant applied once`, async () => {
  const startedAt = Date.now();
  // /readyz sampled through the run: it must say "not ready" while the primary is gone, and "ready" again after.
  const readiness: { at: number; status: number }[] = [];
  let isSampling = true;
  const sampler = (async () => {
    while (isSampling) {
      const status = await fetch(`http://127.0.0.1:${sandbox.port}/readyz`, { signal: AbortSignal.timeout(5_000) })
        .then((r) => r.status)
        .catch(() => 0);
      // Stamped when answered: an answer before the kill reflects a Redis that was up.
      readiness.push({ at: Date.now(), status });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const sent: Sent[] = [];
  const inFlight: Promise<void>[] = [];
  let killedAt = 0;
  let waitsBeforeKill = 0;
  for (let i = 0; i < TOTAL; i++) {
    if (i === KILL_AT) {
      // The acks so far waited for the replica (REDIS_MIN_REPLICAS_ACKED unset: 1 while one is connected).
      const primary = new Redis(sentinel.primary.port, '127.0.0.1');
      waitsBeforeKill = Number(/^cmdstat_wait:calls=(\d+)/m.exec(await primary.info('commandstats'))?.[1] ?? '0');
      primary.disconnect();
      await sentinel.primary.stop('SIGKILL');
      killedAt = Date.now();
    }
    const user = ASKERS[i % ASKERS.length] ?? PEOPLE.alice;
    const text = `grant me view on prod for 1h because INC-${i}`;
    const eventId = `EvSENT${String(i).padStart(5, '0')}`;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(i).padStart(6, '0')}`;
    inFlight.push(
      sandbox
        .mention(user, text, { eventId, ts })
        .catch(() => ({ status: 0 }))
        .then((result) => {
          sent.push({ user, text, eventId, ts, status: result.status, answeredAt: Date.now() });
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
  }
  await Promise.all(inFlight);
  const failedOverTo = await waitFor(
    async () => {
      const port = await sentinel.primaryPort();
      return port === sentinel.replica.port ? port : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 200, what: 'Sentinel to promote the replica' },
  );
  expect(failedOverTo).toBe(sentinel.replica.port);
  await waitFor(() => readiness.at(-1)?.status === 200, {
    timeoutMs: 20_000,
    what: '/readyz ready after the failover',
  });
  isSampling = false;
  await sampler;
  expect(readiness.filter((r) => r.at < killedAt && r.status !== 200)).toEqual([]);
  expect(readiness.some((r) => r.at > killedAt && r.status === 503)).toBe(true);

  const acked = sent.filter((s) => s.status === 200);
  const refused = sent.filter((s) => s.status !== 200);
  // Slack re-sends what was not acknowledged: same event_id and ts, X-Slack-Retry-Num 1, 2, 3 (minutes apart in
  // reality; a couple of seconds here), until the bot's connections have followed Sentinel to the new primary.
  for (const s of refused) {
    let status = 0;
    for (let retryNum = 1; retryNum <= 3 && status !== 200; retryNum++) {
      if (retryNum > 1) await new Promise((resolve) => setTimeout(resolve, 3_000));
      status = (
        await sandbox.mention(s.user, s.text, { eventId: s.eventId, ts: s.ts, retryNum }).catch(() => ({ status: 0 }))
      ).status;
    }
    expect({ event: s.eventId, status }).toEqual({ event: s.eventId, status: 200 });
  }

  // Every request, acknowledged the first time or only when re-sent, gets one "Request R…" answer and one card.
  const ids = new Map<string, string>();
  for (const s of sent) {
    const reply = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === s.ts && /Request `R/.test(m.text ?? ''),
      60_000,
    );
    ids.set(s.eventId, /Request `(R[0-9A-Z]+)`/.exec(reply.text ?? '')?.[1] ?? '');
  }
  const cardsOf = (id: string) =>
    sandbox.slack.messages({ channel: APPROVAL_CHANNEL }).filter((m) => textOf(m).includes(id));
  for (const [eventId, id] of ids) {
    await waitFor(() => cardsOf(id).length > 0, { timeoutMs: 30_000, what: `the card of ${id} (${eventId})` });
  }
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  for (const s of sent) {
    const id = ids.get(s.eventId) ?? '';
    const answers = sandbox.slack.messages({ threadTs: s.ts }).filter((m) => /Request `R/.test(m.text ?? ''));
    expect({ event: s.eventId, acked: s.status, answers: answers.length, cards: cardsOf(id).length }).toEqual({
      event: s.eventId,
      acked: s.status,
      answers: 1,
      cards: 1,
    });
  }
  expect(new Set(ids.values()).size).toBe(TOTAL);
  expect(sandbox.slack.messages({ channel: APPROVAL_CHANNEL })).toHaveLength(TOTAL);

  // Approve every card: each request is granted once, none lost, none applied twice.
  const store = createRequestStore(reader, sandbox.prefix);
  for (const id of ids.values()) {
    const [card] = cardsOf(id);
    const click = await sandbox.click(PEOPLE.approver1, 'approve', {
      channel: APPROVAL_CHANNEL,
      ts: card?.ts ?? '',
      value: id,
    });
    expect(click.status).toBe(200);
  }
  for (const id of ids.values()) {
    await waitFor(async () => (await store.get(asRequestId(id)))?.status === 'granted', {
      timeoutMs: 45_000,
      what: `${id} granted`,
    });
  }
  const audit = await createAuditLog(reader, sandbox.prefix).read(10_000);
  for (const id of ids.values()) {
    expect({ id, granted: audit.filter((e) => e.requestId === id && e.type === 'granted').length }).toEqual({
      id,
      granted: 1,
    });
  }
  for (const user of ASKERS) {
    const arn = ARNS[(Object.entries(PEOPLE).find(([, u]) => u === user)?.[0] ?? 'alice') as keyof typeof ARNS];
    expect(sandbox.eks.policies('prod-cluster', arn).map((p) => p.policyArn)).toEqual([VIEW]);
  }
  // What sizing the README gives is read from here: the bytes a granted request and an audit event take.
  const [sampleId] = ids.values();
  const requestBytes = Number(await reader.memory('USAGE', `${sandbox.prefix}:req:${sampleId}`));
  const auditBytes = Number(await reader.memory('USAGE', `${sandbox.prefix}:audit`, 'SAMPLES', '0'));
  const auditEvents = await reader.xlen(`${sandbox.prefix}:audit`);
  const usedBytes = Number(/^used_memory:(\d+)/m.exec(await reader.info('memory'))?.[1]);
  console.log(
    `sizing: one granted request ${requestBytes} B, ${auditEvents} audit events ${Math.round(auditBytes / auditEvents)} B each, ` +
      `used_memory ${Math.round(usedBytes / 1024)} KiB after ${TOTAL} granted requests with their jobs (kept a day)`,
  );
  console.log(
    `acked ${acked.length} first time, ${refused.length} refused and re-sent; primary killed at request ${KILL_AT}, ` +
      `Sentinel promoted the replica; whole run ${Math.round((Date.now() - startedAt) / 1000)} s (kill at +${Math.round((killedAt - startedAt) / 1000)} s)`,
  );
  expect(waitsBeforeKill).toBeGreaterThan(0);
  // Before the kill nothing was refused: the errors are the failover's, and only its.
  expect(sent.filter((s) => s.answeredAt < killedAt && s.status !== 200).map((s) => s.eventId)).toEqual([]);
  expect(sent.filter((s) => s.answeredAt < killedAt).length).toBeGreaterThan(0);
  expect(bot.child.exitCode).toBeNull();
});
