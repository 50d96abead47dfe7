/**
 * The floor under the expiry benchmark's CPU figure, run as its own process like the worker: only the calls an end
 * cannot do without, through the same SDKs against the same fakes, at the worker's concurrency, with no Redis, no
 * queue, no store. Two figures, each in CPU ms (user + system) per end:
 * - `removeMs`: DeleteAccessEntry, then DescribeAccessEntry answering 404 (the read-back that proves access is gone).
 * - `endMs`: what the bot's end also cannot skip without giving up a safety property: the DescribeAccessEntry
 *   before the delete (its tags say whether eks-access created the entry; nothing else is deleted), and the one
 *   chat.postMessage that tells the grant's thread (exactly one notice per end).
 * Whatever the bot adds on top (the store, the queue, the audit event, the DM, the cards) can only cost more.
 *
 * Environment: the AWS sandbox variables, SLACK_API_URL, SLACK_BOT_TOKEN, FLOOR_CLUSTER, FLOOR_ROLE_PREFIX (role
 * ARNs are the prefix + index; entries 0 … 2×FLOOR_COUNT−1 and `warm-0`, `warm-1` must exist), FLOOR_COUNT,
 * FLOOR_CONCURRENCY, FLOOR_CHANNEL. Prints one JSON line: {"ends": n, "removeMs": a, "endMs": b}.
 */
import { DeleteAccessEntryCommand, DescribeAccessEntryCommand, EKSClient } from '@aws-sdk/client-eks';
import { WebClient } from '@slack/web-api';
import { HTTP_OPTIONS } from '../src/adapters/aws/aws-clients.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../src/core/plan/access-entries.ts';

const clusterName = process.env['FLOOR_CLUSTER'] ?? '';
const prefix = process.env['FLOOR_ROLE_PREFIX'] ?? '';
const count = Number(process.env['FLOOR_COUNT'] ?? 0);
const concurrency = Number(process.env['FLOOR_CONCURRENCY'] ?? 10);
const channel = process.env['FLOOR_CHANNEL'] ?? 'C0FLOOR';
const eks = new EKSClient({ region: process.env['AWS_REGION'] ?? 'us-east-1', requestHandler: HTTP_OPTIONS });
// As the bot's post client: no retries of its own, rate limits answered at once.
const slack = new WebClient(process.env['SLACK_BOT_TOKEN'], {
  ...(process.env['SLACK_API_URL'] ? { slackApiUrl: process.env['SLACK_API_URL'] } : {}),
  retryConfig: { retries: 0 },
  rejectRateLimitedCalls: true,
});

async function isGone(principalArn: string): Promise<boolean> {
  try {
    await eks.send(new DescribeAccessEntryCommand({ clusterName, principalArn }));
    return false;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return true;
    throw error;
  }
}

async function remove(principalArn: string): Promise<boolean> {
  await eks.send(new DeleteAccessEntryCommand({ clusterName, principalArn }));
  return isGone(principalArn);
}

async function end(principalArn: string, i: number): Promise<boolean> {
  const entry = await eks.send(new DescribeAccessEntryCommand({ clusterName, principalArn }));
  if (entry.accessEntry?.tags?.[MANAGED_BY_TAG] !== MANAGED_BY_VALUE) return false;
  const gone = await remove(principalArn);
  await slack.chat.postMessage({ channel, thread_ts: `1700000000.${String(i).padStart(6, '0')}`, text: 'expired' });
  return gone;
}

/** CPU ms per call of `one` over `count` principals from `from`, at the worker's concurrency. */
async function cpuPerEnd(from: number, one: (arn: string, i: number) => Promise<boolean>): Promise<number> {
  let next = from;
  let done = 0;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < from + count) {
        const i = next++;
        if (await one(`${prefix}${i}`, i)) done += 1;
      }
    }),
  );
  const used = process.cpuUsage(before);
  if (done !== count) throw new Error(`only ${done} of ${count} ends verified`);
  return (used.user + used.system) / 1000 / count;
}

// One warm-up of each outside the clock, as the worker has ended grants before the benchmark's rounds.
await remove(`${prefix}warm-0`);
await end(`${prefix}warm-1`, 0);
const removeMs = await cpuPerEnd(0, remove);
const endMs = await cpuPerEnd(count, end);
console.log(JSON.stringify({ ends: count, removeMs, endMs }));
eks.destroy();
