/**
 * Ack latency (issue 7, benchmark 1) and web-process memory (benchmark 6).
 *
 * Product: the real web role (`eks-access web`: our guard → Bolt with processBeforeResponse → dedupe by job id →
 * BullMQ add → answer) as its own process on a private redis-server. Baseline: a bare Bolt app that only
 * acknowledges (bench/bare-bolt.ts), also its own process. Both get the same signed `app_mention` events at the
 * same open-loop rate over keep-alive connections, alternately (baseline, product, …) each round with fresh event
 * ids. Afterwards every event the product acknowledged must be a job in Redis (0 lost).
 *
 * A second baseline runs in the same rounds: bench/bolt-persist.ts, bare Bolt plus one BullMQ add, the least any
 * bot that stores before it answers must do. It tells what persisting first costs on this machine apart from what
 * eks-access adds to it.
 *
 * Issue 21, target 5, is judged against it: the product's p99 ≤ 1.2× the persist-first p99 and < 10 ms. Each round
 * sends the same number of events to all three and gives one ratio product p99 / persist-first p99; the target is
 * judged on the median of those ratios and the median of the product's p99s, so one spoilt round does not fail a
 * run (and it must pass in every full run). With 2,000 events a round, a p99 is the 20th slowest answer, not one
 * outlier. In the full run the three are sent to in the same seconds (`interleave`: event i to each, a third of the
 * spacing apart), so a moment of load from elsewhere falls on all three alike: on a loaded machine the rounds'
 * ratios ranged 0.78–1.22 that way against 0.65–2.62 one side after another. Without `interleave` the sides take
 * turns, in an order that rotates from round to round.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { appMentionEvent, eventCallback } from '../sandbox/slack/payloads.ts';
import { SlackWebApiFake } from '../sandbox/slack/web-api.ts';
import { QUEUE_NAME } from '../src/adapters/queue/jobs.ts';
import { startRedisServer } from '../src/runtime/redis-server.ts';
import {
  type BotProcess,
  benchBotEnv,
  cpuMsOf,
  freePort,
  type PacedRun,
  rssMb,
  SIGNING_SECRET,
  sendPaced,
  sendPacedTogether,
  spawnCli,
  spawnScript,
} from './harness.ts';
import { median, percentile, recordResult, row } from './lib.ts';
import { maxPostsPerChannelSecond } from './slack-budget.ts';

export interface AckOptions {
  events: number;
  ratePerSec: number;
  rounds: number;
  warmUp: number;
  /**
   * Send to the three processes in the same seconds (event i to each, a third of the spacing apart) instead of one
   * process after another: a moment of load from elsewhere falls on all three alike.
   */
  interleave?: boolean;
}

export const ACK_FULL: AckOptions = { events: 2_000, ratePerSec: 200, rounds: 7, warmUp: 200, interleave: true };

/** Issue 21, target 5: product p99 ≤ 1.2× the persist-first p99 of the same rounds, and < 10 ms. */
export const ACK_TARGET = { overPersistP99: 1.2, p99Ms: 10 } as const;

interface Side {
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface AckResult {
  events: number;
  ratePerSec: number;
  rounds: number;
  baseline: Side;
  product: Side;
  /** Median over rounds of product p99 / baseline p99. */
  p99RatioMedian: number;
  p99Ratios: number[];
  /** The least a persist-before-ack bot does (bench/bolt-persist.ts: bare Bolt + one BullMQ add), same rounds. */
  persist: Side;
  /** Median over rounds of its p99 / the bare Bolt p99: what persisting first costs by itself on this machine. */
  persistP99RatioMedian: number;
  /** Median over rounds of the product p99 / its p99: what eks-access adds on top of persisting first. */
  productOverPersistP99Median: number;
  /** Each round's product p99 / persist-first p99, in order. */
  productOverPersistP99s: number[];
  /** CPU time (user + system) of each process over the measured rounds, per 1,000 events. */
  cpuMsPerThousandEvents: { baseline: number; persist: number; product: number };
  /** Each round's three sides, in order. */
  perRound: { baseline: Side; persist: Side; product: Side }[];
  /**
   * Target 5 as judged: limit = 1.2 × the persist-first p99 (median of rounds), measured = the product p99 (median
   * of rounds), ratio = the median of the rounds' ratios; and the product p99 under 10 ms.
   */
  target: {
    judgedOn: 'median of rounds';
    limitRatio: number;
    limitMs: number;
    measuredMs: number;
    ratio: number;
    worstRoundRatio: number;
    absoluteLimitMs: number;
    met: boolean;
  };
  /** Acknowledged by the product but not stored as a job. */
  lost: number;
  rssIdleMb: number;
  rssAfterMb: number;
  baselineRssAfterMb: number;
  slackMaxPostsPerChannelSecond: number;
}

const CONFIG = `clusters:
  - name: staging
    region: eu-west-1
    accountId: "111122223333"
    approvers: [U0APPROVER1]
`;

export async function measureAck(options: AckOptions): Promise<AckResult> {
  const redisServer = await startRedisServer();
  const slack = await SlackWebApiFake.start();
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-bench-ack-'));
  const configPath = join(dir, 'eks-access.yaml');
  writeFileSync(configPath, CONFIG);
  const prefix = '{bench-ack}';
  const [productPort, basePort, persistPort] = [await freePort(), await freePort(), await freePort()];
  const common = {
    PATH: process.env['PATH'],
    HOME: dir,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
  };
  const processes: BotProcess[] = [];
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix });
  try {
    // At info level, as in production: the product pays for its one log line per stored event.
    const product = spawnCli(
      ['web'],
      benchBotEnv({
        dir,
        port: productPort,
        redisUrl: redisServer.url,
        configPath,
        slack,
        extra: { EKS_ACCESS_REDIS_PREFIX: prefix, LOG_LEVEL: 'info' },
      }),
    );
    processes.push(product);
    const baseline = spawnScript('bare-bolt.ts', { ...common, NODE_ENV: 'production', PORT: String(basePort) });
    processes.push(baseline);
    const persist = spawnScript('bolt-persist.ts', {
      ...common,
      NODE_ENV: 'production',
      PORT: String(persistPort),
      REDIS_URL: redisServer.url,
    });
    processes.push(persist);
    await Promise.all([
      product.waitForOutput(/eks-access is running/, 60_000),
      baseline.waitForOutput(/bare bolt listening/),
      persist.waitForOutput(/bolt persist listening/),
    ]);
    const persistUrl = `http://127.0.0.1:${persistPort}/slack/events`;
    const productUrl = `http://127.0.0.1:${productPort}/slack/events`;
    const baseUrl = `http://127.0.0.1:${basePort}/slack/events`;
    let batch = 0;
    const bodies = (count: number) => {
      batch += 1;
      return Array.from({ length: count }, (_, i) => mentionBody(slack.botUserId, batch, i));
    };
    // Both processes answer a first burst before anything is measured: JIT, Redis connections, Bolt's auth.test.
    await sendPaced(baseUrl, bodies(options.warmUp), options.ratePerSec);
    await sendPaced(persistUrl, bodies(options.warmUp), options.ratePerSec);
    await sendPaced(productUrl, bodies(options.warmUp), options.ratePerSec);
    const rssIdleMb = rssMb(product.child.pid ?? 0);
    const sent = { product: options.warmUp };
    const base: Side[] = [];
    const mine: Side[] = [];
    const least: Side[] = [];
    const ratios: number[] = [];
    const persistRatios: number[] = [];
    const overPersist: number[] = [];
    const urls = [baseUrl, persistUrl, productUrl] as const;
    // CPU time each process spends on the rounds: far less disturbed by other load on the machine than latency.
    const pids = new Map([
      [baseUrl, baseline.child.pid ?? 0],
      [persistUrl, persist.child.pid ?? 0],
      [productUrl, product.child.pid ?? 0],
    ]);
    const cpuMs = new Map(urls.map((u) => [u, 0]));
    for (let round = 0; round < options.rounds; round++) {
      const runs = new Map<string, PacedRun>();
      const order = urls.map((_, k) => urls[(round + k) % urls.length] ?? baseUrl);
      if (options.interleave) {
        const cpuBefore = order.map((u) => cpuMsOf(pids.get(u) ?? 0));
        const together = await sendPacedTogether(
          order.map((url) => ({ url, bodies: bodies(options.events) })),
          options.ratePerSec,
        );
        order.forEach((u, k) => {
          const run = together[k];
          if (run) runs.set(u, run);
          cpuMs.set(u, (cpuMs.get(u) ?? 0) + cpuMsOf(pids.get(u) ?? 0) - (cpuBefore[k] ?? 0));
        });
      } else {
        for (const target of order) {
          const cpuBefore = cpuMsOf(pids.get(target) ?? 0);
          runs.set(target, await sendPaced(target, bodies(options.events), options.ratePerSec));
          cpuMs.set(target, (cpuMs.get(target) ?? 0) + cpuMsOf(pids.get(target) ?? 0) - cpuBefore);
        }
      }
      const [b, m, p] = urls.map((u) => runs.get(u) ?? { latencies: [], errors: options.events, elapsedMs: 0 }) as [
        PacedRun,
        PacedRun,
        PacedRun,
      ];
      sent.product += options.events;
      base.push(side(b));
      least.push(side(m));
      mine.push(side(p));
      ratios.push(percentile(p.latencies, 99) / percentile(b.latencies, 99));
      persistRatios.push(percentile(m.latencies, 99) / percentile(b.latencies, 99));
      overPersist.push(percentile(p.latencies, 99) / percentile(m.latencies, 99));
    }
    const stored = Object.values(await queue.getJobCounts()).reduce((sum, n) => sum + n, 0);
    const productErrors = mine.reduce((sum, s) => sum + s.errors, 0);
    const posts = slack.callsTo('chat.postMessage');
    const productSide = medianSide(mine);
    const persistSide = medianSide(least);
    const ratio = round2(median(overPersist));
    const limitMs = round2(ACK_TARGET.overPersistP99 * persistSide.p99Ms);
    return {
      events: options.events,
      ratePerSec: options.ratePerSec,
      rounds: options.rounds,
      baseline: medianSide(base),
      product: productSide,
      p99RatioMedian: round2(median(ratios)),
      p99Ratios: ratios.map(round2),
      persist: persistSide,
      persistP99RatioMedian: round2(median(persistRatios)),
      productOverPersistP99Median: ratio,
      productOverPersistP99s: overPersist.map(round2),
      cpuMsPerThousandEvents: Object.fromEntries(
        (
          [
            ['baseline', baseUrl],
            ['persist', persistUrl],
            ['product', productUrl],
          ] as const
        ).map(([name, u]) => [name, Math.round(((cpuMs.get(u) ?? 0) * 1000) / (options.rounds * options.events))]),
      ) as AckResult['cpuMsPerThousandEvents'],
      perRound: base.map((b, i) => ({ baseline: b, persist: least[i] ?? b, product: mine[i] ?? b })),
      target: {
        judgedOn: 'median of rounds',
        limitRatio: ACK_TARGET.overPersistP99,
        limitMs,
        measuredMs: productSide.p99Ms,
        ratio,
        worstRoundRatio: round2(Math.max(...overPersist)),
        absoluteLimitMs: ACK_TARGET.p99Ms,
        met: ratio <= ACK_TARGET.overPersistP99 && productSide.p99Ms < ACK_TARGET.p99Ms,
      },
      lost: sent.product - productErrors - stored,
      rssIdleMb,
      rssAfterMb: rssMb(product.child.pid ?? 0),
      baselineRssAfterMb: rssMb(baseline.child.pid ?? 0),
      slackMaxPostsPerChannelSecond: maxPostsPerChannelSecond(posts).max,
    };
  } finally {
    await Promise.allSettled(processes.map((p) => p.kill('SIGTERM')));
    await queue.close();
    await redis.quit();
    await slack.close();
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchAck(): Promise<boolean> {
  const result = await measureAck(ACK_FULL);
  recordResult('ack', { ...result });
  const t = result.target;
  const ratioOk = t.ratio <= t.limitRatio;
  const p99Ok = t.measuredMs < t.absoluteLimitMs;
  const lostOk = result.lost === 0 && result.product.errors === 0;
  const rssOk = result.rssAfterMb < 200;
  const pair = (s: Side) => `${s.p50Ms} / ${s.p99Ms} ms`;
  console.log(
    `\nAck latency: ${result.events} signed app_mention events at ${result.ratePerSec}/s, ${result.rounds} rounds (medians of rounds)`,
  );
  console.log(row('bare Bolt ack, p50 / p99', pair(result.baseline)));
  console.log(row('persist-first: Bolt + 1 BullMQ add, p50 / p99', pair(result.persist)));
  console.log(row('product: guard + Bolt + dedupe + BullMQ add, p50 / p99', pair(result.product)));
  console.log(row('target 5: limit 1.2 × persist-first p99', `${t.limitMs} ms`));
  console.log(
    row('  product p99 / persist-first p99 (median of rounds)', `${t.measuredMs} ms (${t.ratio}×)`, '≤ 1.2×', ratioOk),
  );
  console.log(row('  per round', result.productOverPersistP99s.join(' ')));
  console.log(row('  product p99', `${t.measuredMs} ms`, '< 10 ms', p99Ok));
  const cpu = result.cpuMsPerThousandEvents;
  console.log(
    row('CPU ms per 1,000 events: bare / persist-first / product', `${cpu.baseline} / ${cpu.persist} / ${cpu.product}`),
  );
  console.log(row('persist-first p99 / bare Bolt p99 (median of rounds)', `${result.persistP99RatioMedian}`));
  console.log(row('product p99 / bare Bolt p99 (median of rounds)', `${result.p99RatioMedian}`));
  console.log(row('acknowledged but not stored, or not 200', `${result.lost + result.product.errors}`, '0', lostOk));
  console.log('\nMemory (web process RSS)');
  console.log(row('idle (after warm-up)', `${result.rssIdleMb} MB`));
  console.log(row(`after ${result.rounds * result.events} events`, `${result.rssAfterMb} MB`, '< 200 MB', rssOk));
  console.log(row('baseline bare Bolt after the same events', `${result.baselineRssAfterMb} MB`));
  console.log(row('Slack posts per channel per second (web only acks)', `${result.slackMaxPostsPerChannelSecond}`));
  return ratioOk && p99Ok && lostOk && rssOk;
}

function mentionBody(botUserId: string, batch: number, i: number): string {
  const user = `U0BENCH${String(i % 50).padStart(4, '0')}`;
  const ts = `${Math.floor(Date.now() / 1000)}.${String(batch * 100_000 + i).padStart(6, '0')}`;
  const event = appMentionEvent({ user, channel: 'C0GENERAL', text: `<@${botUserId}> give me view on staging`, ts });
  return eventCallback({ event, eventId: `EvBENCH${batch}X${i}` }).body;
}

function side(run: { latencies: number[]; errors: number }): Side {
  return {
    p50Ms: round2(percentile(run.latencies, 50)),
    p99Ms: round2(percentile(run.latencies, 99)),
    errors: run.errors,
  };
}

function medianSide(sides: Side[]): Side {
  return {
    p50Ms: round2(median(sides.map((s) => s.p50Ms))),
    p99Ms: round2(median(sides.map((s) => s.p99Ms))),
    errors: sides.reduce((sum, s) => sum + s.errors, 0),
  };
}

function round2(n: number): number {
  return Number(n.toFixed(2));
}
