import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackWebApiFake } from '../../../sandbox/slack/web-api.ts';
import { createChannelPacer } from '../../../src/adapters/slack/channel-pacer.ts';
import { createSlackNotifier } from '../../../src/adapters/slack/notifier.ts';
import { createMessageLog } from '../../../src/adapters/store/message-log.ts';
import type { Message } from '../../../src/core/messages/message.ts';
import { DeferredError } from '../../../src/shared/errors.ts';
import { postOnce } from '../../../src/usecases/support/post-once.ts';
import { testRedis } from '../../support/redis.ts';

const { redis, prefix } = testRedis();
let slack: SlackWebApiFake;

const silent = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 'error', setName() {} };

function clients() {
  const common = { slackApiUrl: slack.apiUrl, logger: silent as never };
  return {
    client: new WebClient(slack.botToken, { ...common, retryConfig: { retries: 0 } }),
    // As composed in production: posts never retry inside the client.
    postClient: new WebClient(slack.botToken, { ...common, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }),
  };
}

const text = (t: string): Message => ({ text: t, parts: [{ kind: 'text', text: t }] });

beforeAll(async () => {
  slack = await SlackWebApiFake.start();
});
afterAll(async () => {
  await slack.close();
  await redis.quit();
});

describe('Slack notifier over the Web API fake', () => {
  it('a post Slack made but answered 500 is found by its tag and not posted again', async () => {
    const { client, postClient } = clients();
    const notifier = createSlackNotifier(client, { postClient });
    const deps = { notifier, messages: createMessageLog(redis, prefix), clock: { now: () => Date.now() } };
    slack.failAfterHandlingNext('chat.postMessage', 1, { status: 500 });

    const ref = await postOnce(deps, 'req:RUNCERTAIN1', 'ack', { channel: 'C0UNSURE1' }, text('request received'));

    const posted = slack.messages({ channel: 'C0UNSURE1' });
    expect(posted).toHaveLength(1);
    expect(ref.ts).toBe(posted[0]?.ts);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.body.includes('C0UNSURE1'))).toHaveLength(1);
    expect(slack.callsTo('conversations.history').length).toBeGreaterThanOrEqual(1);
  });

  it('a thread reply answered 500 after posting is found in the thread', async () => {
    const { client, postClient } = clients();
    const notifier = createSlackNotifier(client, { postClient });
    const deps = { notifier, messages: createMessageLog(redis, prefix), clock: { now: () => Date.now() } };
    const parent = await postOnce(deps, 'req:RTHREAD1', 'ack', { channel: 'C0UNSURE2' }, text('parent'));
    slack.failAfterHandlingNext('chat.postMessage', 1, { status: 503 });

    const ref = await postOnce(
      deps,
      'req:RTHREAD1',
      'outcome',
      { channel: 'C0UNSURE2', threadTs: parent.ts },
      text('done'),
    );

    const replies = slack.messages({ channel: 'C0UNSURE2', threadTs: parent.ts }).filter((m) => m.ts !== parent.ts);
    expect(replies.map((m) => m.text)).toEqual(['done']);
    expect(ref.ts).toBe(replies[0]?.ts);
    expect(slack.callsTo('conversations.replies').length).toBeGreaterThanOrEqual(1);
  });

  it('a later job finds the post an earlier job made before it died (the attempt was marked)', async () => {
    const { client, postClient } = clients();
    const messages = createMessageLog(redis, prefix);
    const notifier = createSlackNotifier(client, { postClient });
    // The earlier job, 31 s ago (past the 30 s hold): marked its attempt, posted, and died before saving the ts.
    await messages.claim('req:RDIED1', 'ack', Date.now() - 31_000);
    await notifier.post({ channel: 'C0UNSURE3' }, { ...text('once'), tag: { owner: 'req:RDIED1', key: 'ack' } });

    const ref = await postOnce(
      { notifier, messages, clock: { now: () => Date.now() } },
      'req:RDIED1',
      'ack',
      { channel: 'C0UNSURE3' },
      text('once'),
    );

    expect(slack.messages({ channel: 'C0UNSURE3' }).map((m) => m.ts)).toEqual([ref.ts]);
  });

  it('a rate-limited post waits for Retry-After and is posted once, with no lookup (Slack refused it)', async () => {
    const { client, postClient } = clients();
    const notifier = createSlackNotifier(client, { postClient });
    const lookupsBefore = slack.callsTo('conversations.history').length;
    slack.rateLimitNext('chat.postMessage', 1, 1);

    const started = Date.now();
    await notifier.post({ channel: 'C0LIMITED' }, { ...text('hi'), tag: { owner: 'x', key: 'y' } });

    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(slack.messages({ channel: 'C0LIMITED' })).toHaveLength(1);
    expect(slack.callsTo('conversations.history').length).toBe(lookupsBefore);
  });

  it('paces posts per channel and defers, without posting, when the channel is busy for too long', async () => {
    const { client, postClient } = clients();
    const pacer = createChannelPacer(redis, prefix, { intervalMs: 400, burst: 2, maxWaitMs: 500 });
    const notifier = createSlackNotifier(client, { postClient, pacer });

    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => notifier.post({ channel: 'C0PACED' }, text(`m${i}`))),
    );

    const posted = slack.messages({ channel: 'C0PACED' });
    const deferred = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
    // Burst of 2 at once, the 3rd 400 ms later; the 4th and 5th would wait 800 and 1200 ms > 500: deferred.
    expect(posted).toHaveLength(3);
    expect(deferred).toHaveLength(2);
    expect(deferred.every((e) => e instanceof DeferredError && e.delayMs > 500)).toBe(true);
    const times = posted.map((m) => m.postedAt).sort((a, b) => a - b);
    expect((times[2] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(300);
  });
});
