import { webApi } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  SLACK_ACTION_ID_MAX,
  SLACK_ACTIONS_ELEMENTS_MAX,
  SLACK_BUTTON_TEXT_MAX,
  SLACK_BUTTON_VALUE_MAX,
  SLACK_HEADER_TEXT_MAX,
  SLACK_MESSAGE_BLOCKS_MAX,
  SLACK_MESSAGE_TEXT_MAX,
  SLACK_SECTION_TEXT_MAX,
} from '../../../sandbox/slack/limits.ts';
import { SlackWebApiFake } from '../../../sandbox/slack/web-api.ts';

const { WebClient, ErrorCode } = webApi;
type WebClientOptions = NonNullable<ConstructorParameters<typeof WebClient>[1]>;

const silent: webApi.Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => webApi.LogLevel.ERROR,
  setName: () => {},
};

let slack: SlackWebApiFake;

function client(options: WebClientOptions = {}, token = slack.botToken) {
  return new WebClient(token, {
    slackApiUrl: slack.apiUrl,
    logger: silent,
    retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 20 },
    ...options,
  });
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (fields: { text?: string; value?: string; action_id?: string } = {}) => ({
  type: 'button',
  text: { type: 'plain_text', text: fields.text ?? 'Approve' },
  value: fields.value ?? 'req-1',
  action_id: fields.action_id ?? 'approve',
});

/** The platform error a WebClient call failed with (or a failure of the test when it succeeded). */
async function platformError(
  call: Promise<unknown>,
): Promise<{ code: string; error: string; data: Record<string, unknown> }> {
  const failure = (await call.then(
    () => ({ code: 'succeeded', data: { error: 'succeeded' } }),
    (e: unknown) => e,
  )) as { code: string; data: { error: string } & Record<string, unknown> };
  return { code: failure.code, error: failure.data.error, data: failure.data };
}

beforeAll(async () => {
  slack = await SlackWebApiFake.start();
});

afterAll(async () => {
  await slack.close();
});

afterEach(() => {
  expect(slack.unexpected).toEqual([]);
});

describe('Slack Web API fake through the real WebClient', () => {
  it('stores a posted card with blocks and metadata, addressable by channel and ts, and a thread reply', async () => {
    const web = client();
    const blocks = [section('*bob* asks for `admin` on `prod`'), { type: 'actions', elements: [button()] }];

    const posted = await web.chat.postMessage({
      channel: 'C0APPROVALS',
      text: 'bob asks for admin on prod',
      blocks,
      metadata: { event_type: 'eks_access_request', event_payload: { request_id: 'req-1' } },
    });
    const reply = await web.chat.postMessage({
      channel: 'C0APPROVALS',
      thread_ts: posted.ts ?? '',
      text: 'Waiting for approval',
    });

    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(reply.ts)).toBeGreaterThan(Number(posted.ts));
    expect(posted.message?.blocks).toEqual(blocks);
    const [card] = slack.messages({ channel: 'C0APPROVALS', text: 'admin' });
    expect(card?.metadata).toEqual({ event_type: 'eks_access_request', event_payload: { request_id: 'req-1' } });
    expect(slack.messages({ channel: 'C0APPROVALS', threadTs: posted.ts ?? '' }).map((m) => m.text)).toEqual([
      'Waiting for approval',
    ]);
    // WebClient form-encodes the call and JSON-encodes the blocks inside it.
    const call = slack.callsTo('chat.postMessage')[0];
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(JSON.parse(new URLSearchParams(call?.body).get('blocks') ?? '')).toEqual(blocks);
    expect(call?.headers.authorization).toBe(`Bearer ${slack.botToken}`);
  });

  it('updates a message in place, keeps its history, and wakes a waiter on the update', async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel: 'C0UPDATES', text: 'pending' });
    const waiting = slack.waitForMessage((m) => m.ts === posted.ts && m.text === 'approved by carol', 2_000);

    const updated = await web.chat.update({
      channel: 'C0UPDATES',
      ts: posted.ts ?? '',
      text: 'approved by carol',
      blocks: [section('approved')],
    });

    const seen = await waiting;
    expect(updated.ts).toBe(posted.ts);
    expect(seen.history.map((version) => version.text)).toEqual(['pending']);
    expect(slack.messages({ channel: 'C0UPDATES' })).toHaveLength(1);

    const missing = await platformError(web.chat.update({ channel: 'C0UPDATES', ts: '1.000001', text: 'x' }));
    expect(missing).toMatchObject({ code: ErrorCode.PlatformError, error: 'message_not_found' });
  });

  it('posts ephemeral messages apart from channel messages and returns message_ts', async () => {
    const result = await client().chat.postEphemeral({
      channel: 'C0EPHEMERAL',
      user: 'U0BOB',
      text: 'only you can see this',
    });

    expect(result.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.messages({ channel: 'C0EPHEMERAL' })).toEqual([]);
    expect(slack.messages({ channel: 'C0EPHEMERAL', isEphemeral: true }).map((m) => m.ephemeralTo)).toEqual(['U0BOB']);
  });

  it('opens a stable DM channel per user, and a post to a user id lands in that DM', async () => {
    const web = client();
    const first = await web.conversations.open({ users: 'U0ALICE' });
    const second = await web.conversations.open({ users: 'U0ALICE' });
    const other = await web.conversations.open({ users: 'U0BOB' });
    const posted = await web.chat.postMessage({ channel: 'U0ALICE', text: 'your access expires in 10 minutes' });

    expect(first.channel?.id).toMatch(/^D[0-9A-F]{10}$/);
    expect(second).toMatchObject({ channel: { id: first.channel?.id }, already_open: true });
    expect(other.channel?.id).not.toBe(first.channel?.id);
    expect(posted.channel).toBe(first.channel?.id);
  });

  it("enforces Slack's message limits with Slack's error codes", async () => {
    const web = client();
    const post = (args: { text?: string; blocks?: unknown[] }) =>
      platformError(
        web.chat.postMessage({ channel: 'C0LIMITS', ...args } as Parameters<typeof web.chat.postMessage>[0]),
      );
    const actions = (elements: unknown[]) => [{ type: 'actions', elements }];

    expect(await post({ text: 'x'.repeat(SLACK_MESSAGE_TEXT_MAX + 1) })).toMatchObject({ error: 'msg_too_long' });
    expect(await post({})).toMatchObject({ error: 'no_text' });
    const tooMany = await post({
      text: 'x',
      blocks: Array.from({ length: SLACK_MESSAGE_BLOCKS_MAX + 1 }, () => section('s')),
    });
    expect(tooMany).toMatchObject({
      error: 'invalid_blocks',
      data: { errors: ['no more than 50 items allowed [json-pointer:/blocks]'] },
    });
    const invalid = [
      [section('x'.repeat(SLACK_SECTION_TEXT_MAX + 1))],
      [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(SLACK_HEADER_TEXT_MAX + 1) } }],
      actions([button({ text: 'x'.repeat(SLACK_BUTTON_TEXT_MAX + 1) })]),
      actions([button({ value: 'x'.repeat(SLACK_BUTTON_VALUE_MAX + 1) })]),
      actions([button({ action_id: 'x'.repeat(SLACK_ACTION_ID_MAX + 1) })]),
      actions(Array.from({ length: SLACK_ACTIONS_ELEMENTS_MAX + 1 }, (_, i) => button({ action_id: `a${i}` }))),
    ];
    for (const blocks of invalid) expect(await post({ text: 'x', blocks })).toMatchObject({ error: 'invalid_blocks' });
    // Exactly at each limit is accepted.
    const atLimit = await web.chat.postMessage({
      channel: 'C0LIMITS',
      text: 'x'.repeat(SLACK_MESSAGE_TEXT_MAX),
      blocks: [
        section('x'.repeat(SLACK_SECTION_TEXT_MAX)),
        ...actions([button({ text: 'x'.repeat(SLACK_BUTTON_TEXT_MAX) })]),
      ],
    });
    expect(atLimit.ok).toBe(true);
    expect(slack.messages({ channel: 'C0LIMITS' })).toHaveLength(1);
  });

  it('answers a wrong token with invalid_auth and a missing one with not_authed', async () => {
    expect(await platformError(client({}, 'xoxb-wrong').auth.test())).toMatchObject({ error: 'invalid_auth' });
    expect(
      await platformError(new WebClient(undefined, { slackApiUrl: slack.apiUrl, logger: silent }).auth.test()),
    ).toMatchObject({
      error: 'not_authed',
    });
    expect(await client().auth.test()).toMatchObject({
      ok: true,
      user_id: slack.botUserId,
      bot_id: slack.botId,
      team_id: slack.teamId,
    });
  });

  it('sends 429 with Retry-After, which WebClient waits out before retrying', async () => {
    slack.rateLimitNext('chat.postMessage', 1, 1);
    const web = client();
    const rateLimited: number[] = [];
    web.on(webApi.WebClientEvent.RATE_LIMITED, (retryAfter: number) => rateLimited.push(retryAfter));

    const started = Date.now();
    const posted = await web.chat.postMessage({ channel: 'C0RATE', text: 'after the pause' });

    expect(posted.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(rateLimited).toEqual([1]);
    const [limited, accepted] = slack.callsTo('chat.postMessage').filter((call) => call.body.includes('C0RATE'));
    expect([limited?.status, accepted?.status]).toEqual([429, 200]);
    expect((accepted?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);

    slack.rateLimitNext('chat.postMessage', 1, 7);
    const rejected = (await client({ rejectRateLimitedCalls: true })
      .chat.postMessage({ channel: 'C0RATE', text: 'x' })
      .catch((e: unknown) => e)) as { code?: string; retryAfter?: number };
    expect(rejected).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
  });

  it('retries an injected HTTP 500 and surfaces an injected ok:false error', async () => {
    slack.failNext('chat.postMessage', 1, { status: 500 });
    const posted = await client().chat.postMessage({ channel: 'C0FLAKY', text: 'second try' });
    expect(posted.ok).toBe(true);
    expect(
      slack
        .callsTo('chat.postMessage')
        .filter((call) => call.body.includes('C0FLAKY'))
        .map((call) => call.status),
    ).toEqual([500, 200]);

    slack.failNextWithError('chat.update', 1, 'cant_update_message');
    expect(
      await platformError(client().chat.update({ channel: 'C0FLAKY', ts: posted.ts ?? '', text: 'x' })),
    ).toMatchObject({
      error: 'cant_update_message',
    });
  });

  it('publishes a Home tab and answers users.info', async () => {
    const web = client();
    await web.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [section('Your grants')] } });
    slack.addUser({ id: 'U0ALICE', name: 'alice', email: 'alice@example.com' });
    const { user } = await web.users.info({ user: 'U0ALICE' });

    expect(slack.homeView('U0ALICE')).toMatchObject({ type: 'home', blocks: [section('Your grants')] });
    expect(user).toMatchObject({ id: 'U0ALICE', name: 'alice', profile: { email: 'alice@example.com' } });
  });

  it('opens a modal once per trigger_id and answers with the view Slack stores (id, hash, state)', async () => {
    const web = client();
    const modal = {
      type: 'modal' as const,
      callback_id: 'cb',
      private_metadata: '{"requestId":"R1"}',
      title: { type: 'plain_text' as const, text: 'Deny request' },
      blocks: [section('Why?')],
    };

    const opened = await web.views.open({ trigger_id: '123.456.abc', view: modal });
    const again = await platformError(web.views.open({ trigger_id: '123.456.abc', view: modal }));
    const notModal = await platformError(
      web.views.open({ trigger_id: '123.456.def', view: { type: 'home', blocks: [section('x')] } }),
    );
    const longTitle = await platformError(
      web.views.open({
        trigger_id: '123.456.ghi',
        view: { ...modal, title: { type: 'plain_text', text: 'x'.repeat(25) } },
      }),
    );

    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V[0-9A-Z]+$/),
      callback_id: 'cb',
      private_metadata: '{"requestId":"R1"}',
      state: { values: {} },
      hash: expect.any(String),
    });
    expect(slack.openedViews().map((v) => v.view.id)).toContain(opened.view?.id);
    expect(again).toMatchObject({ error: 'exchanged_trigger_id' });
    expect(notModal).toMatchObject({ error: 'invalid_arguments' });
    expect(longTitle).toMatchObject({ error: 'invalid_arguments' });
  });

  it('pushes a view with its own trigger, updates a view in place by id (hash checked), and reports each change', async () => {
    const web = client();
    const modal = (text: string) => ({
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text },
      blocks: [section(text)],
    });
    const changes: string[] = [];
    const off = slack.onViewChanged((change) => changes.push(`${change.method} ${change.view.id}`));

    const opened = await web.views.open({ trigger_id: '321.1.root', view: modal('Root') });
    const pushed = await web.views.push({ trigger_id: '321.2.push', view: modal('Pushed') });
    const updated = await web.views.update({
      view_id: opened.view?.id as string,
      hash: opened.view?.hash as string,
      view: modal('Root, updated'),
    });
    const stale = await platformError(
      web.views.update({ view_id: opened.view?.id as string, hash: opened.view?.hash as string, view: modal('x') }),
    );
    const unknown = await platformError(web.views.update({ view_id: 'VNOTTHERE', view: modal('x') }));
    off();

    expect(pushed.view?.id).not.toBe(opened.view?.id);
    expect(updated.view).toMatchObject({ id: opened.view?.id, title: { text: 'Root, updated' } });
    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    expect(stale).toMatchObject({ error: 'hash_conflict' });
    expect(unknown).toMatchObject({ error: 'not_found' });
    expect(changes).toEqual([
      `views.open ${opened.view?.id}`,
      `views.push ${pushed.view?.id}`,
      `views.update ${opened.view?.id}`,
    ]);
  });
});

describe('Slack Web API fake without WebClient', () => {
  it('accepts JSON bodies and records unknown methods as unexpected', async () => {
    await using fake = await SlackWebApiFake.start();
    const headers = { authorization: `Bearer ${fake.botToken}`, 'content-type': 'application/json; charset=utf-8' };

    const posted = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ channel: 'C0JSON', blocks: [section('json body')], text: 'json' }),
    });
    const unknown = await fetch(`${fake.apiUrl}chat.scheduleEverything`, { method: 'POST', headers, body: '{}' });

    expect(await posted.json()).toMatchObject({ ok: true, channel: 'C0JSON' });
    expect(fake.messages({ channel: 'C0JSON' })[0]?.blocks).toEqual([section('json body')]);
    expect(await unknown.json()).toEqual({ ok: false, error: 'unknown_method', req_method: 'chat.scheduleEverything' });
    expect(fake.unexpected.map((call) => call.path)).toEqual(['/api/chat.scheduleEverything']);
  });

  it('records posts to a response_url it handed out', async () => {
    await using fake = await SlackWebApiFake.start();
    const url = fake.responseUrl('cmd-1');

    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"on it"}',
    });

    expect(answer.status).toBe(200);
    expect(fake.responses('cmd-1').map((post) => post.body)).toEqual([{ text: 'on it' }]);
  });
});
