/**
 * Second baseline for the ack benchmark: the least a persist-before-ack bot does. The bare Bolt app of
 * bench/bare-bolt.ts plus one BullMQ add per event (job id from Slack's event_id, the whole event as data) before
 * Bolt answers. No guard, no parsing, no logging. The product's p99 over this one says what eks-access adds on top
 * of the Redis round trip that persisting first costs any bot.
 * Environment: REDIS_URL, optional REDIS_MIN_REPLICAS_ACKED, plus those of bench/bare-bolt-app.ts.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { serveBareBolt } from './bare-bolt-app.ts';

const redis = new Redis(process.env['REDIS_URL'] ?? '', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
const queue = new Queue('bolt-persist', { connection: redis, prefix: '{bench-bolt-persist}' });
await queue.waitUntilReady();
// REDIS_MIN_REPLICAS_ACKED as the bot reads it: with it, each add waits for that many replicas (WAIT), as the bot's does.
const replicas = Number(process.env['REDIS_MIN_REPLICAS_ACKED'] ?? '0');
serveBareBolt('bolt persist listening', async (body) => {
  await queue.add('inbound', body, { jobId: String(body.event_id) });
  if (replicas > 0 && Number(await redis.call('WAIT', replicas, 500)) < replicas) throw new Error('not replicated');
});
