/**
 * Second baseline for the ack benchmark: the least a persist-before-ack bot does. The bare Bolt app of
 * bench/bare-bolt.ts plus one BullMQ add per event (job id from Slack's event_id, the whole event as data) before
 * Bolt answers. No guard, no parsing, no logging. The product's p99 over this one says what eks-access adds on top
 * of the Redis round trip that persisting first costs any bot.
 * Environment: PORT, REDIS_URL, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL.
 */
import { createServer } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const redis = new Redis(process.env['REDIS_URL'] ?? '', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
const queue = new Queue('bolt-persist', { connection: redis, prefix: '{bench-bolt-persist}' });
const receiver = new HTTPReceiver({
  signingSecret: process.env['SLACK_SIGNING_SECRET'] ?? '',
  endpoints: '/slack/events',
  processBeforeResponse: true,
  signatureVerification: true,
  logLevel: LogLevel.ERROR,
});
const app = new App({
  token: process.env['SLACK_BOT_TOKEN'] ?? '',
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env['SLACK_API_URL'] ?? '' },
});
app.event('app_mention', async ({ body }) => {
  await queue.add('inbound', body, { jobId: String((body as { event_id?: string }).event_id) });
});
await queue.waitUntilReady();
const server = createServer(receiver.requestListener);
server.listen(Number(process.env['PORT']), '127.0.0.1', () => console.log('bolt persist listening'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
