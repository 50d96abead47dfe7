/**
 * Builders for the request bodies Slack sends to an app: an Events API `event_callback` (JSON), a slash command (form)
 * and a `block_actions` interaction (form field `payload` holding JSON). Field names and nesting follow what Slack
 * sends, including the parts Bolt reads (`authorizations`, `container`, `response_url`, `trigger_id`).
 * Send the result with `sendSlackRequest(url, built.kind, built.body, { secret })`.
 */
import { randomBytes } from 'node:crypto';
import type { SlackRequestKind } from './sign.ts';

export interface SlackRequestBody {
  kind: SlackRequestKind;
  /** The raw body exactly as it goes on the wire (and is signed). */
  body: string;
  /** The decoded payload, for assertions. */
  payload: Record<string, unknown>;
}

/** The workspace and app a payload comes from; defaults match `SlackWebApiFake`'s. */
export interface SlackTeam {
  teamId?: string;
  teamDomain?: string;
  appId?: string;
  botUserId?: string;
  /** The deprecated verification token Slack still includes. */
  verificationToken?: string;
}

/**
 * Where `response_url` points. The default is a closed loopback port, so a product that calls it in a test fails fast
 * instead of reaching the internet; pass `SlackWebApiFake.responseUrl()` to capture the calls.
 */
export const UNSET_RESPONSE_URL = 'http://127.0.0.1:9/response-url-not-set';

const team = (t: SlackTeam = {}) => ({
  teamId: t.teamId ?? 'T0SANDBOX',
  teamDomain: t.teamDomain ?? 'sandbox',
  appId: t.appId ?? 'A0SANDBOXAPP',
  botUserId: t.botUserId ?? 'U0SANDBOXBOT',
  token: t.verificationToken ?? 'sandbox-verification-token',
});

export interface MessageEventInput {
  user: string;
  channel: string;
  text: string;
  ts?: string;
  threadTs?: string;
}

/** `app_mention` as delivered in an `event_callback`. */
export function appMentionEvent(input: MessageEventInput, t: SlackTeam = {}): Record<string, unknown> {
  const ts = input.ts ?? slackTs();
  return {
    type: 'app_mention',
    user: input.user,
    text: input.text,
    ts,
    thread_ts: input.threadTs,
    channel: input.channel,
    event_ts: ts,
    team: team(t).teamId,
    client_msg_id: randomBytes(16).toString('hex'),
  };
}

/** A direct message to the bot: `message` with `channel_type: 'im'`. */
export function directMessageEvent(input: MessageEventInput, t: SlackTeam = {}): Record<string, unknown> {
  return { ...appMentionEvent(input, t), type: 'message', channel_type: 'im' };
}

export interface EventCallbackInput extends SlackTeam {
  event: Record<string, unknown>;
  eventId?: string;
  /** Epoch seconds. */
  eventTime?: number;
}

export function eventCallback(input: EventCallbackInput): SlackRequestBody {
  const t = team(input);
  const payload = {
    token: t.token,
    team_id: t.teamId,
    context_team_id: t.teamId,
    context_enterprise_id: null,
    api_app_id: t.appId,
    event: input.event,
    type: 'event_callback',
    event_id: input.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: input.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [
      { enterprise_id: null, team_id: t.teamId, user_id: t.botUserId, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('base64url')}`,
  };
  return { kind: 'event', body: JSON.stringify(payload), payload };
}

export function urlVerification(challenge: string, t: SlackTeam = {}): SlackRequestBody {
  const payload = { token: team(t).token, challenge, type: 'url_verification' };
  return { kind: 'event', body: JSON.stringify(payload), payload };
}

export interface SlashCommandInput extends SlackTeam {
  command?: string;
  text: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  triggerId?: string;
  responseUrl?: string;
}

export function slashCommand(input: SlashCommandInput): SlackRequestBody {
  const t = team(input);
  const payload: Record<string, string> = {
    token: t.token,
    team_id: t.teamId,
    team_domain: t.teamDomain,
    channel_id: input.channelId,
    channel_name: input.channelName ?? 'general',
    user_id: input.userId,
    user_name: input.userName ?? input.userId.toLowerCase(),
    command: input.command ?? '/eks',
    text: input.text,
    api_app_id: t.appId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl ?? UNSET_RESPONSE_URL,
    trigger_id: input.triggerId ?? triggerId(),
  };
  return { kind: 'command', body: new URLSearchParams(payload).toString(), payload };
}

export interface BlockActionInput extends SlackTeam {
  userId: string;
  userName?: string;
  actionId: string;
  value?: string;
  blockId?: string;
  buttonText?: string;
  channelId: string;
  channelName?: string;
  /** `ts` of the message whose button was clicked. */
  messageTs: string;
  /** The clicked message as Slack echoes it back; a minimal bot message by default. */
  message?: Record<string, unknown>;
  triggerId?: string;
  responseUrl?: string;
  actionTs?: string;
}

export function blockActions(input: BlockActionInput): SlackRequestBody {
  const t = team(input);
  const payload = {
    type: 'block_actions',
    user: {
      id: input.userId,
      username: input.userName ?? input.userId.toLowerCase(),
      name: input.userName ?? input.userId.toLowerCase(),
      team_id: t.teamId,
    },
    api_app_id: t.appId,
    token: t.token,
    container: { type: 'message', message_ts: input.messageTs, channel_id: input.channelId, is_ephemeral: false },
    trigger_id: input.triggerId ?? triggerId(),
    team: { id: t.teamId, domain: t.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channelId, name: input.channelName ?? 'general' },
    message: input.message ?? { type: 'message', user: t.botUserId, ts: input.messageTs, text: '', blocks: [] },
    state: { values: {} },
    response_url: input.responseUrl ?? UNSET_RESPONSE_URL,
    actions: [
      {
        action_id: input.actionId,
        block_id: input.blockId ?? randomBytes(3).toString('hex'),
        text: { type: 'plain_text', text: input.buttonText ?? input.actionId, emoji: true },
        value: input.value,
        type: 'button',
        action_ts: input.actionTs ?? slackTs(),
      },
    ],
  };
  return { kind: 'interaction', body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), payload };
}

/** A Slack-style timestamp for the current time ("1700000000.123456"). */
export function slackTs(nowMs = Date.now()): string {
  const micros = randomBytes(3).readUIntBE(0, 3) % 1000;
  return `${Math.floor(nowMs / 1000)}.${String((nowMs % 1000) * 1000 + micros).padStart(6, '0')}`;
}

/** A fresh trigger id in Slack's format ("1700000000123.4242.abcdef…"): it lets the app open one modal. */
export function slackTriggerId(): string {
  return triggerId();
}

function triggerId(): string {
  return `${Date.now()}.${randomBytes(4).readUInt32BE(0)}.${randomBytes(16).toString('hex')}`;
}

export interface ViewSubmissionInput extends SlackTeam {
  userId: string;
  userName?: string;
  /** The view as `views.open` answered it (its `id`, `callback_id`, `private_metadata`, `hash`, blocks). */
  view: Record<string, unknown>;
  /**
   * What the person entered: block_id → action_id → a string (a plain_text_input's value) or the element's state as
   * Slack reports it (`{ type: 'plain_text_input', value: null }` for an empty input, `selected_option` for a select).
   */
  values: Record<string, Record<string, string | SlackStateValue>>;
  triggerId?: string;
}

/** One element's entry in `view.state.values`: its type and its value field(s). */
export type SlackStateValue = { type: string } & Record<string, unknown>;

/** `view_submission`: a modal submitted, with the typed values in `view.state.values` (form field `payload`). */
export function viewSubmission(input: ViewSubmissionInput): SlackRequestBody {
  const t = team(input);
  const values = Object.fromEntries(
    Object.entries(input.values).map(([blockId, actions]) => [
      blockId,
      Object.fromEntries(
        Object.entries(actions).map(([actionId, value]) => [
          actionId,
          typeof value === 'string' ? { type: 'plain_text_input', value } : value,
        ]),
      ),
    ]),
  );
  const payload = {
    type: 'view_submission',
    team: { id: t.teamId, domain: t.teamDomain },
    user: viewUser(input, t.teamId),
    api_app_id: t.appId,
    token: t.token,
    trigger_id: input.triggerId ?? triggerId(),
    view: { ...input.view, state: { values } },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return { kind: 'interaction', body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), payload };
}

export interface ViewClosedInput extends SlackTeam {
  userId: string;
  userName?: string;
  /** The view as the person last saw it. */
  view: Record<string, unknown>;
  /** True when closing cleared the whole stack (the root view closed, or `clear_on_close`). */
  isCleared?: boolean;
}

/**
 * `view_closed`: the person dismissed a modal. Slack sends it only for views opened with `notify_on_close: true`.
 * https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload#view_closed
 */
export function viewClosed(input: ViewClosedInput): SlackRequestBody {
  const t = team(input);
  const payload = {
    type: 'view_closed',
    team: { id: t.teamId, domain: t.teamDomain },
    user: viewUser(input, t.teamId),
    api_app_id: t.appId,
    token: t.token,
    view: input.view,
    is_cleared: input.isCleared ?? false,
    is_enterprise_install: false,
    enterprise: null,
  };
  return { kind: 'interaction', body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), payload };
}

function viewUser(input: { userId: string; userName?: string }, teamId: string) {
  const name = input.userName ?? input.userId.toLowerCase();
  return { id: input.userId, username: name, name, team_id: teamId };
}
