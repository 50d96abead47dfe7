/**
 * Ack latency (issue 7, benchmark 1) and web-process memory (benchmark 6).
 *
 * Product: the real web role (`eks-access web`: our guard → Bolt with processBeforeResponse → dedupe by job id →
 * BullMQ add → answer) as its own process on a private redis-server. Baseline: a bare Bolt app that only
 * acknowledges (bench/bare-bolt.ts), also its own process. Both get the same signed `app_mention` events at the
 * same open-loop rate over keep-alive connections, alternately (baseline, product, …) each round with fresh event
 * ids. Afterwards every event the product acknowledged must be a job in Redis (0 lost).
 *
 * A second baseline runs in the same rounds (baseline, persist, product): bench/bolt-persist.ts, bare Bolt plus one
 * BullMQ add, the least any bot that stores before it answers must do. It tells what persisting first costs on
 * this machine apart from what eks-access adds to it.
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
import { type BotProcess, freePort, rssMb, SIGNING_SECRET, sendPaced, spawnCli, spawnScript } from './harness.ts';
import { median, percentile, recordResult, row } from './lib.ts';
import { maxPostsPerChannelSecond } from './slack-budget.ts';

export interface AckOptions {
  events: number;
  ratePerSec: number;
  rounds: number;
  warmUp: number;
}

export const ACK_FULL: AckOptions = { events: 2_000, ratePerSec: 200, rounds: 5, warmUp: 200 };

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
    const product = spawnCli(['web'], {
      ...common,
      NODE_ENV: 'production',
      PORT: String(productPort),
      REDIS_URL: redisServer.url,
      EKS_ACCESS_CONFIG: configPath,
      EKS_ACCESS_REDIS_PREFIX: prefix,
      LOG_LEVEL: 'info',
    });
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
    for (let round = 0; round < options.rounds; round++) {
      const b = await sendPaced(baseUrl, bodies(options.events), options.ratePerSec);
      const m = await sendPaced(persistUrl, bodies(options.events), options.ratePerSec);
      const p = await sendPaced(productUrl, bodies(options.events), options.ratePerSec);
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
    return {
      events: options.events,
      ratePerSec: options.ratePerSec,
      rounds: options.rounds,
      baseline: medianSide(base),
      product: medianSide(mine),
      p99RatioMedian: round2(median(ratios)),
      p99Ratios: ratios.map(round2),
      persist: medianSide(least),
      persistP99RatioMedian: round2(median(persistRatios)),
      productOverPersistP99Median: round2(median(overPersist)),
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
  const ratioOk = result.p99RatioMedian <= 1.8;
  const p99Ok = result.product.p99Ms < 20;
  const lostOk = result.lost === 0 && result.product.errors === 0;
  const rssOk = result.rssAfterMb < 200;
  console.log(
    `\nAck latency: ${result.events} signed app_mention events at ${result.ratePerSec}/s, ${result.rounds} rounds`,
  );
  console.log(
    row('baseline: bare Bolt ack, p50 / p99 (median)', `${result.baseline.p50Ms} / ${result.baseline.p99Ms} ms`),
  );
  console.log(
    row(
      'product: guard + Bolt + dedupe + BullMQ add, p50 / p99',
      `${result.product.p50Ms} / ${result.product.p99Ms} ms`,
    ),
  );
  console.log(row('product p99', `${result.product.p99Ms} ms`, '< 20 ms', p99Ok));
  console.log(row('p99 ratio product / baseline (median of rounds)', `${result.p99RatioMedian}`, '<= 1.8', ratioOk));
  console.log(
    row(
      'least persist-first bot: Bolt + 1 BullMQ add, p50 / p99',
      `${result.persist.p50Ms} / ${result.persist.p99Ms} ms`,
    ),
  );
  console.log(row('  its p99 ratio to bare Bolt (median of rounds)', `${result.persistP99RatioMedian}`));
  console.log(row('  product p99 / its p99 (median of rounds)', `${result.productOverPersistP99Median}`));
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
