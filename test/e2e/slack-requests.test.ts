import { describe, expect, it } from 'vitest';
import { appMentionEvent, eventCallback } from '../../sandbox/slack/payloads.ts';
import { sendSlackRequest } from '../../sandbox/slack/sign.ts';
import { spawnBot } from '../support/bot-process.ts';
import { type E2eSandbox, PEOPLE, SIGNING_SECRET } from '../support/e2e-sandbox.ts';
import { freePort } from '../support/free-port.ts';
import { useRunningBot } from '../support/running-bot.ts';

let sandbox: E2eSandbox;
useRunningBot((started) => {
  sandbox = started;
});

describe('requests that do not come from Slack, now, are refused and cause nothing', () => {
  it.each([
    ['unsigned', { unsigned: true }],
    ['wrongly signed', { badSignature: true }],
    ['stamped 6 minutes ago', { timestampOffsetSec: -360 }],
    ['stamped 6 minutes in the future', { timestampOffsetSec: 360 }],
    ['stamped a day in the future', { timestampOffsetSec: 86_400 }],
  ])('%s → 401', async (_, options) => {
    const jobsBefore = await sandbox.jobCount();
    const messagesBefore = sandbox.slack.messages().length;

    const mention = await sandbox.mention(PEOPLE.alice, 'grant me cluster-admin on prod', options);
    const command = await sandbox.command(PEOPLE.alice, 'grant cluster-admin prod', options);
    const click = await sandbox.click(
      PEOPLE.approver1,
      'approve',
      { channel: 'C0APPROVALS', ts: '1.1', value: 'R0000000000' },
      options,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect([mention.status, command.status, click.status]).toEqual([401, 401, 401]);
    expect(await sandbox.jobCount()).toBe(jobsBefore);
    expect(sandbox.slack.messages().length).toBe(messagesBefore);
  });

  it('a body over 1 MiB is refused unread with 413', async () => {
    const event = appMentionEvent({ user: PEOPLE.alice, channel: 'C0GENERAL', text: `grant ${'x'.repeat(1_100_000)}` });
    const built = eventCallback({ event });

    const result = await sendSlackRequest(`http://127.0.0.1:${sandbox.port}/slack/events`, 'event', built.body, {
      secret: SIGNING_SECRET,
    });

    expect(result.status).toBe(413);
  });

  it('an event Slack re-delivers (same event_id, X-Slack-Retry-Num) is handled once', async () => {
    const first = await sandbox.mention(PEOPLE.erin, 'grant me view on staging', { eventId: 'EvREDELIVER01' });
    const again = await sandbox.mention(PEOPLE.erin, 'grant me view on staging', {
      eventId: 'EvREDELIVER01',
      retryNum: 1,
      retryReason: 'http_timeout',
    });
    const third = await sandbox.mention(PEOPLE.erin, 'grant me view on staging', {
      eventId: 'EvREDELIVER01',
      retryNum: 2,
    });

    await sandbox.slack.waitForMessage((m) => m.threadTs === first.ts && /Request `R/.test(m.text ?? ''));
    await new Promise((resolve) => setTimeout(resolve, 800));

    expect([first.status, again.status, third.status]).toEqual([200, 200, 200]);
    const replies = sandbox.slack
      .messages()
      .filter((m) => /Request `R/.test(m.text ?? '') && m.text?.includes(PEOPLE.erin));
    expect(replies).toHaveLength(1);
    const cards = sandbox.slack.messages({ channel: sandbox.slack.dmChannelFor(PEOPLE.approver1) });
    expect(cards.filter((m) => JSON.stringify(m.blocks).includes(PEOPLE.erin))).toHaveLength(1);
  });

  it('answers Slack only after the event is stored: with Redis gone it answers 5xx so Slack retries', async () => {
    const { startRedisServer } = await import('../../src/runtime/redis-server.ts');
    const redis = await startRedisServer();
    const port = await freePort();
    const isolated = spawnBot(['web'], { ...sandbox.env, REDIS_URL: redis.url, PORT: String(port) });
    await isolated.waitForOutput(/eks-access is running/);
    const url = `http://127.0.0.1:${port}/slack/events`;
    const send = () =>
      sendSlackRequest(
        url,
        'event',
        eventCallback({ event: appMentionEvent({ user: PEOPLE.alice, channel: 'C1', text: 'status' }) }).body,
        {
          secret: SIGNING_SECRET,
        },
      );

    const healthy = await send();
    await redis.stop('SIGKILL');
    const down = await send();
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    await isolated.kill('SIGKILL');

    expect(healthy.status).toBe(200);
    expect(down.status).toBeGreaterThanOrEqual(500);
    expect(health.status).toBe(503);
  });
});
