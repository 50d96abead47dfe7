import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appMentionEvent, blockActions, eventCallback, slashCommand } from '../../sandbox/slack/payloads.ts';
import { SocketModeFake } from '../../sandbox/slack/socket-mode.ts';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

let sandbox: E2eSandbox;
let socket: SocketModeFake;
let bot: BotProcess;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
  socket = await SocketModeFake.start(sandbox.slack);
  // No signing secret: Socket Mode payloads are not signed, the app-level token authenticates the socket.
  const { SLACK_SIGNING_SECRET: _unused, ...env } = sandbox.env;
  bot = spawnBot(['start'], { ...env, SLACK_APP_TOKEN: socket.appToken });
  await bot.waitForOutput(/eks-access is running/, 60_000);
  await socket.waitForConnection();
});

afterAll(async () => {
  const code = await bot?.kill('SIGTERM');
  await socket?.close();
  await sandbox?.close();
  expect(code).toBe(0);
  expect(socket.unexpected).toEqual([]);
});

/** The BullMQ key of a job the listener stores (see jobId() in src/adapters/queue/jobs.ts). */
function jobKey(id: string): string {
  return `${sandbox.prefix}:eks-access:${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/**
 * Holds every Redis write for `ms` while `deliver` runs, then reports whether the job existed when the ack came:
 * an app that acknowledged before storing would be answered while the job cannot have been written yet.
 */
async function ackAfterPersist(key: string, deliver: () => Promise<{ payload: unknown }>) {
  await sandbox.redis.call('CLIENT', 'PAUSE', '1500', 'WRITE');
  const ack = await deliver();
  const isStoredAtAck = (await sandbox.redis.exists(key)) === 1;
  return { ack, isStoredAtAck };
}

function requestIdIn(message: SlackMessage): string {
  const match = /Request `(R[0-9A-Z]+)`/.exec(message.text ?? '');
  if (!match?.[1]) throw new Error(`no request id in ${message.text}`);
  return match[1];
}

describe('Socket Mode (SLACK_APP_TOKEN)', () => {
  it('connects with the app-level token through apps.connections.open and is ready', async () => {
    const opened = sandbox.slack.calls.filter((call) => call.op === 'apps.connections.open');

    expect(opened.length).toBeGreaterThanOrEqual(1);
    expect(opened.every((call) => call.status === 200)).toBe(true);
    expect(socket.connections).toBeGreaterThanOrEqual(1);
    expect(bot.output()).toContain('connected to Slack over Socket Mode');
    expect((await fetch(`http://127.0.0.1:${sandbox.port}/readyz`)).status).toBe(200);
    // No HTTP endpoint for Slack in Socket Mode.
    expect((await fetch(`http://127.0.0.1:${sandbox.port}/slack/events`, { method: 'POST' })).status).toBe(404);
  });

  it('events_api mention → ack only after the job is stored → card → interactive Approve → granted', async () => {
    const ts = `${Math.floor(Date.now() / 1000)}.000100`;
    const event = appMentionEvent({
      user: PEOPLE.alice,
      channel: 'C0GENERAL',
      text: `<@${sandbox.slack.botUserId}> grant me view on prod-cluster for 2h because INC-77`,
      ts,
    });
    const envelope = eventCallback({ event });
    const eventId = String(envelope.payload['event_id']);

    const mention = await ackAfterPersist(jobKey(`in-${eventId}`), () =>
      socket.deliver('events_api', envelope.payload).acked(),
    );
    const reply = await sandbox.slack.waitForMessage(
      (m) => m.threadTs === ts && /Request `R/.test(m.text ?? ''),
      20_000,
    );
    const id = requestIdIn(reply);
    const card = await sandbox.slack.waitForMessage(
      (m) => m.channel === APPROVAL_CHANNEL && JSON.stringify(m.blocks ?? []).includes(id),
      20_000,
    );
    const click = blockActions({
      userId: PEOPLE.approver1,
      actionId: 'eks_access_approve',
      value: id,
      channelId: card.channel,
      messageTs: card.ts,
    });
    const approve = await ackAfterPersist(jobKey(`click-${String(click.payload['trigger_id'])}`), () =>
      socket.deliver('interactive', click.payload).acked(),
    );
    await waitFor(async () => (await sandbox.request(id))?.status === 'granted', {
      timeoutMs: 30_000,
      what: 'granted',
    });

    expect(mention.isStoredAtAck).toBe(true);
    expect(approve.isStoredAtAck).toBe(true);
    expect(sandbox.eks.entry('prod-cluster', ARNS.alice)?.tags).toMatchObject({ 'eks-access/request': id });
  });

  it('slash_commands: the ack carries the ephemeral answer, after the job is stored; the reply goes to a DM', async () => {
    const command = slashCommand({ userId: PEOPLE.bob, channelId: 'C0GENERAL', text: 'status' });

    const result = await ackAfterPersist(jobKey(`in-cmd-${command.payload['trigger_id']}`), () =>
      socket.deliver('slash_commands', command.payload).acked(),
    );
    const dm = sandbox.slack.dmChannelFor(PEOPLE.bob);
    const answer = await sandbox.slack.waitForMessage((m) => m.channel === dm, 20_000);

    expect(result.isStoredAtAck).toBe(true);
    expect(result.ack.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Got it') });
    expect(answer.text).toBeTruthy();
  });

  it('reconnects when Slack sends disconnect, and keeps delivering', async () => {
    const before = socket.connections;

    socket.disconnect();
    await socket.waitForConnection();
    const event = appMentionEvent({
      user: PEOPLE.dave,
      channel: 'C0GENERAL',
      text: `<@${sandbox.slack.botUserId}> help`,
      ts: `${Math.floor(Date.now() / 1000)}.000200`,
    });
    const ack = await socket.deliver('events_api', eventCallback({ event }).payload).acked(15_000);

    expect(socket.connections).toBe(before + 1);
    expect(ack.envelopeId).toBeTruthy();
  });
});
