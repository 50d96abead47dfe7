/**
 * The Slack sandbox end to end with a real Bolt app: signed deliveries from `sendSlackRequest` and the payload
 * builders go in through Bolt's HTTP receiver, and the app's Web API calls land in `SlackWebApiFake`.
 */
import { App, LogLevel } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appMentionEvent, blockActions, eventCallback, slashCommand } from '../../../sandbox/slack/payloads.ts';
import { sendSlackRequest } from '../../../sandbox/slack/sign.ts';
import { SlackWebApiFake } from '../../../sandbox/slack/web-api.ts';
import { freePort } from '../../support/free-port.ts';

const SECRET = 'sandbox-signing-secret';

let slack: SlackWebApiFake;
let app: App;
let endpoint: string;
const retryNums: (number | undefined)[] = [];

beforeAll(async () => {
  slack = await SlackWebApiFake.start();
  app = new App({
    token: slack.botToken,
    signingSecret: SECRET,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: slack.apiUrl },
  });
  app.event('app_mention', async ({ event, say, context }) => {
    retryNums.push(context.retryNum);
    await say({ text: `heard: ${event.text}`, thread_ts: event.ts });
  });
  app.command('/eks', async ({ ack, respond, command }) => {
    await ack();
    await respond({ text: `queued: ${command.text}` });
  });
  app.action('approve', async ({ ack, body, client }) => {
    await ack();
    if (body.type !== 'block_actions' || !body.container) return;
    const { channel_id: channel, message_ts: ts } = body.container as { channel_id: string; message_ts: string };
    await client.chat.update({ channel, ts, text: `approved by <@${body.user.id}>` });
  });
  const port = await freePort();
  await app.start(port);
  endpoint = `http://127.0.0.1:${port}/slack/events`;
});

afterAll(async () => {
  await app.stop();
  await slack.close();
});

afterEach(() => {
  expect(slack.unexpected).toEqual([]);
});

describe('signed Slack deliveries into a real Bolt app', () => {
  it('delivers an app_mention; the reply reaches the Web API fake in the thread', async () => {
    const event = appMentionEvent({ user: 'U0BOB', channel: 'C0OPS', text: '<@U0SANDBOXBOT> grant prod view 1h' });
    const delivered = await sendSlackRequest(endpoint, 'event', eventCallback({ event }).body, {
      secret: SECRET,
      retryNum: 1,
    });

    const reply = await slack.waitForMessage((m) => m.channel === 'C0OPS' && m.threadTs === event['ts']);
    expect(delivered.status).toBe(200);
    expect(reply.text).toBe('heard: <@U0SANDBOXBOT> grant prod view 1h');
    expect(retryNums).toContain(1);
  });

  it('acks a slash command and the app answers through the response_url the fake handed out', async () => {
    const responseUrl = slack.responseUrl('cmd-1');
    const built = slashCommand({ text: 'grant prod admin 2h', userId: 'U0BOB', channelId: 'C0OPS', responseUrl });

    const delivered = await sendSlackRequest(endpoint, 'command', built.body, { secret: SECRET });

    expect(delivered.status).toBe(200);
    await expect
      .poll(() => slack.responses('cmd-1').map((post) => post.body))
      .toEqual([{ text: 'queued: grant prod admin 2h' }]);
  });

  it('routes a button click to the action listener, which updates the card', async () => {
    const card = await app.client.chat.postMessage({ channel: 'C0APPROVALS', text: 'bob asks for admin' });
    const click = blockActions({
      userId: 'U0CAROL',
      actionId: 'approve',
      value: 'req-1',
      channelId: 'C0APPROVALS',
      messageTs: card.ts ?? '',
    });

    const delivered = await sendSlackRequest(endpoint, 'interaction', click.body, { secret: SECRET });

    expect(delivered.status).toBe(200);
    const updated = await slack.waitForMessage((m) => m.ts === card.ts && m.history.length === 1);
    expect(updated.text).toBe('approved by <@U0CAROL>');
  });

  it('is refused by Bolt when unsigned, wrongly signed or stale; Bolt lets a future timestamp through', async () => {
    const body = eventCallback({ event: appMentionEvent({ user: 'U0EVE', channel: 'C0OPS', text: 'sneaky' }) }).body;
    const statuses = [
      (await sendSlackRequest(endpoint, 'event', body, { secret: SECRET, unsigned: true })).status,
      (await sendSlackRequest(endpoint, 'event', body, { secret: SECRET, badSignature: true })).status,
      (await sendSlackRequest(endpoint, 'event', body, { secret: 'not-the-secret' })).status,
      (await sendSlackRequest(endpoint, 'event', body, { secret: SECRET, timestampOffsetSec: -301 })).status,
    ];

    expect(statuses).toEqual([401, 401, 401, 401]);
    // Bolt's check is one-sided (platform-limits.md): the product must add its own |now - ts| <= 300 s check.
    const future = await sendSlackRequest(endpoint, 'event', body, { secret: SECRET, timestampOffsetSec: 3_600 });
    expect(future.status).toBe(200);
    await slack.waitForMessage((m) => m.text === 'heard: sneaky'); // let the accepted delivery finish before teardown
  });
});
