/**
 * Slack Web API fake at `<url>/api/<method>`, stateful by channel and `ts`, answering with Slack's own shapes:
 * HTTP 200 `{ ok: false, error }` for platform errors, HTTP 429 + `Retry-After` for rate limits. Point a real
 * `WebClient` at it with `slackApiUrl: fake.apiUrl` (Bolt: `clientOptions.slackApiUrl`).
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  FakeServer,
  type FakeServerOptions,
  type IncomingRequest,
  type InjectedFailure,
  json,
} from '../fake-server.ts';
import type { RouteMatch } from '../route-table.ts';
import { validateBlocks } from './blocks.ts';
import { SLACK_MESSAGE_BLOCKS_MAX, SLACK_VIEW_BLOCKS_MAX } from './limits.ts';
import { type MessageFilter, MessageStore, type SlackMessage } from './message-store.ts';
import {
  isTrue,
  jsonArg,
  messageContent,
  parseArgs,
  SlackApiError,
  type SlackArgs,
  stringArg,
  tokenOf,
} from './web-api-args.ts';

export type { MessageFilter, SlackMessage } from './message-store.ts';

export interface SlackWebApiFakeOptions extends FakeServerOptions {
  botToken?: string;
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  now?: () => number;
}

export interface SlackUser {
  id: string;
  name: string;
  realName?: string;
  /** `profile.display_name`; the username when absent. */
  displayName?: string;
  email?: string;
  tz?: string;
  isBot?: boolean;
  deleted?: boolean;
}

/** A modal opened with `views.open`, as the fake answered it (with `id`, `hash`, `state`). */
export interface SlackOpenedView {
  triggerId: string;
  view: Record<string, unknown> & { id: string; callback_id?: string; private_metadata?: string };
}

/**
 * A change to a modal an app made: `views.open` and `views.push` (with the trigger they exchanged, which tells whose
 * screen it is on) and `views.update` (the view keeps its id; Slack gives it a new hash). What a client shows.
 */
export interface SlackViewChange {
  method: 'views.open' | 'views.push' | 'views.update';
  /** The exchanged trigger (`views.open`, `views.push`); undefined for `views.update`. */
  triggerId: string | undefined;
  view: SlackOpenedView['view'];
}

/** `private_metadata` longer than this is refused. https://docs.slack.dev/reference/views */
const SLACK_PRIVATE_METADATA_MAX = 3_000;
/** Modal `title`, `submit` and `close` texts. https://docs.slack.dev/reference/views */
const SLACK_VIEW_TITLE_MAX = 24;

/** A post an app made to a `response_url` the fake handed out. */
export interface SlackResponseUrlPost {
  id: string;
  body: unknown;
  /** Epoch milliseconds. */
  at: number;
}

type Method = (args: SlackArgs) => Record<string, unknown>;

const METHOD_PATH = /^\/api\/([A-Za-z0-9_.]+)$/;

export class SlackWebApiFake extends FakeServer {
  readonly botToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly #teamDomain: string;
  readonly #store: MessageStore;
  readonly #methods = new Map<string, Method>();
  readonly #users = new Map<string, SlackUser>();
  readonly #openedDms = new Set<string>();
  readonly #userMessages = new Map<string, { user: string; text: string }>();
  readonly #homeViews = new Map<string, Record<string, unknown>>();
  readonly #responses: SlackResponseUrlPost[] = [];
  readonly #modals: SlackOpenedView[] = [];
  /** Every modal the app has shown, by view id, in its latest version (for `views.update` and its `hash` check). */
  readonly #views = new Map<string, SlackOpenedView['view']>();
  readonly #viewChanges: SlackViewChange[] = [];
  readonly #viewListeners = new Set<(change: SlackViewChange) => void>();
  readonly #exchangedTriggers = new Set<string>();
  readonly #userGroups = new Map<string, string[]>();
  #socketMode: { appToken: string; openUrl: () => string } | undefined;

  constructor(options: SlackWebApiFakeOptions = {}) {
    super(options);
    this.botToken = options.botToken ?? 'xoxb-sandbox-token';
    this.teamId = options.teamId ?? 'T0SANDBOX';
    this.botUserId = options.botUserId ?? 'U0SANDBOXBOT';
    this.botId = options.botId ?? 'B0SANDBOXBOT';
    this.appId = options.appId ?? 'A0SANDBOXAPP';
    this.#teamDomain = options.teamDomain ?? 'sandbox';
    this.#store = new MessageStore(options.now ?? Date.now);
    this.#registerMethods();
    this.routes.add('POST', '/response/{id}', 'response_url', (request) => {
      const { id = '' } = request.params;
      let body: unknown = request.body;
      try {
        body = JSON.parse(request.body);
      } catch {
        // keep the raw text: Slack accepts form posts here too
      }
      this.#responses.push({ id, body, at: Date.now() });
      return json(200, { ok: true });
    });
  }

  static override async start(options: SlackWebApiFakeOptions = {}): Promise<SlackWebApiFake> {
    return await new SlackWebApiFake(options).listen();
  }

  /** The `slackApiUrl` for WebClient/Bolt (with the trailing slash WebClient expects). */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Channel messages (not ephemeral ones unless `filter.isEphemeral`), in post order, in their current version. */
  messages(filter: MessageFilter = {}): SlackMessage[] {
    return this.#store.list(filter);
  }

  /**
   * Resolves as soon as a message or an update satisfying `predicate` exists. The default wait is long because
   * on a 2-core CI machine running the e2e files in parallel, a reply that normally lands in a second once took
   * over 5 s; waiting longer only matters when the message is late, never when it is there.
   */
  async waitForMessage(predicate: (message: SlackMessage) => boolean, timeoutMs = 15_000): Promise<SlackMessage> {
    return await this.#store.waitFor(predicate, timeoutMs);
  }

  /** Calls `listener` after every message the fake accepts or updates (ephemeral ones too); returns the unsubscribe. */
  onMessagesChanged(listener: () => void): () => void {
    return this.#store.subscribe(listener);
  }

  /** The DM channel id Slack would give the bot's conversation with `userId`; stable per user. */
  dmChannelFor(userId: string): string {
    return `D${createHash('sha256').update(userId).digest('hex').slice(0, 10).toUpperCase()}`;
  }

  /** Modals opened so far, oldest first. */
  openedViews(): SlackOpenedView[] {
    return [...this.#modals];
  }

  /** Resolves once a modal satisfying `predicate` has been opened. */
  async waitForView(predicate: (view: SlackOpenedView) => boolean, timeoutMs = 5_000): Promise<SlackOpenedView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.#modals.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no modal matched within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Every `views.open`, `views.push` and `views.update` so far, oldest first. */
  viewChanges(): SlackViewChange[] {
    return [...this.#viewChanges];
  }

  /** Calls `listener` after every modal the app opens, pushes or updates; returns the unsubscribe. */
  onViewChanged(listener: (change: SlackViewChange) => void): () => void {
    this.#viewListeners.add(listener);
    return () => this.#viewListeners.delete(listener);
  }

  homeView(userId: string): Record<string, unknown> | undefined {
    return this.#homeViews.get(userId);
  }

  /** A `response_url` for payload builders; posts to it are recorded (use-count limits are not modelled). */
  responseUrl(id: string = randomUUID()): string {
    return `${this.url}/response/${encodeURIComponent(id)}`;
  }

  responses(id?: string): SlackResponseUrlPost[] {
    return this.#responses.filter((post) => id === undefined || post.id === id);
  }

  addUser(user: SlackUser): void {
    this.#users.set(user.id, user);
  }

  /** A user group (`S…`) that `usergroups.users.list` answers for; seeding it again replaces its members. */
  setUserGroup(id: string, users: readonly string[]): void {
    this.#userGroups.set(id, [...users]);
  }

  /** The next `count` calls to `method` get HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(method: string, count: number, retryAfterSeconds = 1): void {
    this.failNext(method, count, { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } });
  }

  /** The next `count` calls to `method` get HTTP 200 `{ ok: false, error }`. */
  failNextWithError(method: string, count: number, error: string): void {
    this.failNext(method, count, { status: 200, code: error });
  }

  /**
   * Answers `apps.connections.open` (app-level token only, like Slack: a bot token gets `not_allowed_token_type`)
   * with a fresh WebSocket URL from `openUrl`; see socket-mode.ts.
   */
  enableSocketMode(appToken: string, openUrl: () => string): void {
    this.#socketMode = { appToken, openUrl };
  }

  protected override dispatch(request: IncomingRequest): RouteMatch<FakeHandler> | undefined {
    const method = METHOD_PATH.exec(request.path)?.[1];
    if (method === undefined) return super.dispatch(request);
    const socketMode = this.#socketMode;
    if (method === 'apps.connections.open' && socketMode) {
      return { op: method, params: {}, handler: (fakeRequest) => this.#connectionsOpen(fakeRequest, socketMode) };
    }
    const handle = this.#methods.get(method);
    if (handle === undefined) return undefined;
    return { op: method, params: {}, handler: (fakeRequest) => this.#call(fakeRequest, handle) };
  }

  /** Unknown methods answer Slack's `unknown_method` (HTTP 200, so WebClient fails fast instead of retrying). */
  protected override renderUnrouted(request: IncomingRequest): FakeResponse {
    const method = METHOD_PATH.exec(request.path)?.[1];
    if (method === undefined) return super.renderUnrouted(request);
    return json(200, { ok: false, error: 'unknown_method', req_method: method });
  }

  protected override renderFailure(failure: InjectedFailure): FakeResponse {
    const headers = Object.fromEntries(Object.entries(failure.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    if (failure.status === 429) headers['retry-after'] ??= '1';
    const fallback = failure.status === 429 ? 'ratelimited' : failure.status === 200 ? 'internal_error' : 'fatal_error';
    return json(failure.status, { ok: false, error: failure.code ?? fallback }, headers);
  }

  #connectionsOpen(request: FakeRequest, socketMode: { appToken: string; openUrl: () => string }): FakeResponse {
    const token = tokenOf(request, parseArgs(request));
    if (token === undefined) return json(200, { ok: false, error: 'not_authed' });
    if (token === this.botToken) return json(200, { ok: false, error: 'not_allowed_token_type' });
    if (token !== socketMode.appToken) return json(200, { ok: false, error: 'invalid_auth' });
    return json(200, { ok: true, url: socketMode.openUrl() });
  }

  #call(request: FakeRequest, handle: Method): FakeResponse {
    try {
      const args = parseArgs(request);
      const token = tokenOf(request, args);
      if (token === undefined) throw new SlackApiError('not_authed');
      if (token !== this.botToken) throw new SlackApiError('invalid_auth');
      return json(200, { ok: true, ...handle(args) });
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      return json(200, { ok: false, error: error.error, ...error.detail });
    }
  }

  #registerMethods(): void {
    const m = this.#methods;
    m.set('auth.test', () => ({
      url: `https://${this.#teamDomain}.slack.com/`,
      team: this.#teamDomain,
      user: 'eks-access',
      team_id: this.teamId,
      user_id: this.botUserId,
      bot_id: this.botId,
      is_enterprise_install: false,
    }));
    m.set('chat.postMessage', (args) => {
      const channel = this.#channel(args);
      const content = messageContent(args, SLACK_MESSAGE_BLOCKS_MAX);
      const threadTs = stringArg(args, 'thread_ts');
      const message = this.#store.add({ ...content, channel, threadTs, user: this.botUserId, ephemeralTo: undefined });
      return { channel, ts: message.ts, message: this.#messageJson(message) };
    });
    m.set('chat.update', (args) => {
      const channel = this.#channel(args);
      const existing = this.#store.find(channel, stringArg(args, 'ts') ?? '');
      if (!existing) throw new SlackApiError('message_not_found');
      const message = this.#store.update(existing, messageContent(args, SLACK_MESSAGE_BLOCKS_MAX));
      return { channel, ts: message.ts, text: message.text ?? '', message: this.#messageJson(message) };
    });
    // https://docs.slack.dev/reference/methods/chat.getPermalink: a thread reply's link carries thread_ts and cid.
    m.set('chat.getPermalink', (args) => {
      const channel = this.#channel(args);
      const message = this.#store.find(channel, stringArg(args, 'message_ts') ?? '');
      if (!message) throw new SlackApiError('message_not_found');
      const base = `https://${this.#teamDomain}.slack.com/archives/${channel}/p${message.ts.replace('.', '')}`;
      const thread =
        message.threadTs && message.threadTs !== message.ts ? `?thread_ts=${message.threadTs}&cid=${channel}` : '';
      return { channel, permalink: `${base}${thread}` };
    });
    m.set('chat.postEphemeral', (args) => {
      const channel = this.#channel(args);
      const user = stringArg(args, 'user');
      if (user === undefined) throw new SlackApiError('user_not_in_channel');
      const content = messageContent(args, SLACK_MESSAGE_BLOCKS_MAX);
      const threadTs = stringArg(args, 'thread_ts');
      const message = this.#store.add({ ...content, channel, threadTs, user: this.botUserId, ephemeralTo: user });
      return { message_ts: message.ts };
    });
    m.set('conversations.open', (args) => {
      const users = stringArg(args, 'users')
        ?.split(',')
        .map((user) => user.trim());
      const [first] = users ?? [];
      if (users === undefined || first === undefined) throw new SlackApiError('users_list_not_supplied');
      const id =
        users.length === 1 ? this.dmChannelFor(first) : `G${this.dmChannelFor(users.sort().join(',')).slice(1)}`;
      const isOpen = this.#openedDms.has(id);
      this.#openedDms.add(id);
      return { no_op: isOpen, already_open: isOpen, channel: { id } };
    });
    m.set('conversations.history', (args) => {
      const channel = this.#channel(args);
      const limit = Number(stringArg(args, 'limit') ?? 100);
      // `oldest` / `latest`: Unix seconds with a fraction, as message `ts` values are; both bounds exclusive.
      const oldest = Number(stringArg(args, 'oldest') ?? '0');
      const latest = Number(stringArg(args, 'latest') ?? 'Infinity');
      const top = this.#store
        .list({ channel })
        .filter((message) => message.threadTs === undefined || message.threadTs === message.ts)
        .filter((message) => Number(message.ts) > oldest && Number(message.ts) < latest);
      const newestFirst = top.reverse().slice(0, limit);
      const withMetadata = isTrue(args, 'include_all_metadata');
      const messages = newestFirst.map((message) => this.#messageJson(message, withMetadata));
      return { messages, has_more: top.length > limit, pin_count: 0, response_metadata: { next_cursor: '' } };
    });
    m.set('conversations.replies', (args) => {
      const channel = this.#channel(args);
      const ts = stringArg(args, 'ts') ?? '';
      const parent = this.#store.find(channel, ts);
      const byUser = this.#userMessages.get(`${channel} ${ts}`);
      if (!parent && !byUser) throw new SlackApiError('thread_not_found');
      const replies = this.#store.list({ channel, threadTs: ts }).filter((message) => message.ts !== ts);
      const withMetadata = isTrue(args, 'include_all_metadata');
      const head = parent
        ? this.#messageJson(parent, withMetadata)
        : { type: 'message', user: byUser?.user, text: byUser?.text ?? '', ts, thread_ts: ts };
      return {
        messages: [head, ...replies.map((message) => this.#messageJson(message, withMetadata))],
        has_more: false,
      };
    });
    m.set('views.publish', (args) => this.#publishView(args));
    m.set('views.open', (args) => this.#openView(args, 'views.open'));
    m.set('views.push', (args) => this.#openView(args, 'views.push'));
    m.set('views.update', (args) => this.#updateView(args));
    m.set('users.info', (args) => ({ user: this.#userJson(stringArg(args, 'user')) }));
    // https://docs.slack.dev/reference/methods/users.list: `{ ok, members: [user objects], cache_ts,
    // response_metadata: { next_cursor } }`, cursor-paginated (`cursor`, `limit`; no limit: everything); a cursor
    // it did not hand out is `invalid_cursor`. Deleted users are listed too (with `deleted: true`), as Slack does.
    m.set('users.list', (args) => {
      const all = [...this.#users.keys()].sort();
      const cursor = stringArg(args, 'cursor');
      const start =
        cursor === undefined || cursor === ''
          ? 0
          : Number(
              Buffer.from(cursor, 'base64')
                .toString()
                .replace(/^user:/, ''),
            );
      if (!Number.isInteger(start) || start < 0 || start > all.length) throw new SlackApiError('invalid_cursor');
      const limit = Number(args['limit'] ?? 0);
      const end = limit > 0 ? Math.min(start + limit, all.length) : all.length;
      const next = end < all.length ? Buffer.from(`user:${end}`).toString('base64') : '';
      return {
        members: all.slice(start, end).map((id) => this.#userJson(id)),
        cache_ts: Math.floor(Date.now() / 1000),
        response_metadata: { next_cursor: next },
      };
    });
    // https://api.slack.com/methods/usergroups.users.list: `usergroup` required; `{ ok, users: [ids] }`; an unknown
    // group is `no_such_subteam`. Disabled groups (`include_disabled`) are not modelled.
    m.set('usergroups.users.list', (args) => {
      const id = stringArg(args, 'usergroup');
      if (id === undefined) throw new SlackApiError('invalid_arguments');
      const users = this.#userGroups.get(id);
      if (users === undefined) throw new SlackApiError('no_such_subteam');
      return { users: [...users] };
    });
  }

  /**
   * A message a person posted (the event a test sends the bot): kept apart from the bot's messages, so
   * `messages()` still lists only what the bot posted, but its thread can be read with conversations.replies.
   */
  userPosted(message: { channel: string; ts: string; user: string; text: string }): void {
    this.#userMessages.set(`${message.channel} ${message.ts}`, { user: message.user, text: message.text });
  }

  /** Posting to a user id posts into the bot's DM with that user, as Slack does. */
  #channel(args: SlackArgs): string {
    const channel = stringArg(args, 'channel');
    if (channel === undefined) throw new SlackApiError('channel_not_found');
    return /^[UW][A-Z0-9]+$/.test(channel) ? this.dmChannelFor(channel) : channel;
  }

  #publishView(args: SlackArgs) {
    const userId = stringArg(args, 'user_id');
    const view = jsonArg(args, 'view', 'invalid_arguments');
    if (userId === undefined || typeof view !== 'object' || view === null) throw new SlackApiError('invalid_arguments');
    const { type, blocks } = view as { type?: unknown; blocks?: unknown };
    if (type !== 'home') throw new SlackApiError('invalid_arguments');
    const errors = validateBlocks(blocks, SLACK_VIEW_BLOCKS_MAX);
    if (errors.length > 0) throw new SlackApiError('invalid_blocks', { errors });
    const published = {
      ...(view as Record<string, unknown>),
      id: `V${this.dmChannelFor(userId).slice(1)}`,
      team_id: this.teamId,
    };
    this.#homeViews.set(userId, published);
    return { view: published };
  }

  /**
   * `views.open` / `views.push`: a modal for the user behind `trigger_id`. A trigger can be exchanged once
   * (`exchanged_trigger_id`); the answer is the view with the `id`, `hash` and empty `state` Slack adds. Which stack
   * a pushed view joins is the client's business (the trigger came from an interaction in that modal).
   * https://docs.slack.dev/reference/methods/views.push
   */
  #openView(args: SlackArgs, method: 'views.open' | 'views.push') {
    const triggerId = stringArg(args, 'trigger_id');
    if (triggerId === undefined && stringArg(args, 'interactivity_pointer') === undefined) {
      throw new SlackApiError('invalid_arguments');
    }
    const view = this.#modalArg(args);
    const key = triggerId ?? '';
    if (this.#exchangedTriggers.has(key)) throw new SlackApiError('exchanged_trigger_id');
    this.#exchangedTriggers.add(key);
    const id = `V${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    const opened = this.#shown(view, id, id, null);
    if (method === 'views.open') this.#modals.push({ triggerId: key, view: opened });
    this.#viewChanged({ method, triggerId: key, view: opened });
    return { view: opened };
  }

  /**
   * `views.update`: by `view_id` or `external_id`; an unknown view is `not_found`, a stale `hash` `hash_conflict`.
   * The view keeps its id (and what was typed into inputs with the same ids, which is the client's to keep).
   * https://docs.slack.dev/reference/methods/views.update
   */
  #updateView(args: SlackArgs) {
    const viewId = stringArg(args, 'view_id');
    const externalId = stringArg(args, 'external_id');
    if (viewId === undefined && externalId === undefined) throw new SlackApiError('invalid_arguments');
    const view = this.#modalArg(args);
    const current =
      viewId !== undefined
        ? this.#views.get(viewId)
        : [...this.#views.values()].find((shown) => shown['external_id'] === externalId);
    if (!current) throw new SlackApiError('not_found');
    const hash = stringArg(args, 'hash');
    if (hash !== undefined && hash !== current['hash']) throw new SlackApiError('hash_conflict');
    const updated = this.#shown(
      view,
      current.id,
      String(current['root_view_id'] ?? current.id),
      (current['previous_view_id'] as string | null | undefined) ?? null,
    );
    this.#viewChanged({ method: 'views.update', triggerId: undefined, view: updated });
    return { view: updated };
  }

  /** A modal view argument as Slack checks it: type, a 1–24 character title, metadata size, valid blocks. */
  #modalArg(args: SlackArgs): Record<string, unknown> {
    const view = jsonArg(args, 'view', 'invalid_arguments');
    if (typeof view !== 'object' || view === null || Array.isArray(view)) throw new SlackApiError('invalid_arguments');
    const { type, title, blocks, private_metadata: metadata } = view as Record<string, unknown>;
    if (type !== 'modal') throw new SlackApiError('invalid_arguments');
    const titleText = (title as { type?: unknown; text?: unknown } | undefined)?.text;
    if (typeof titleText !== 'string' || titleText.length === 0 || titleText.length > SLACK_VIEW_TITLE_MAX) {
      throw new SlackApiError('invalid_arguments', {
        response_metadata: { messages: [`[ERROR] title must be 1-${SLACK_VIEW_TITLE_MAX} characters`] },
      });
    }
    if (typeof metadata === 'string' && metadata.length > SLACK_PRIVATE_METADATA_MAX) {
      throw new SlackApiError('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] private_metadata must be under 3001 characters'] },
      });
    }
    const errors = validateBlocks(blocks, SLACK_VIEW_BLOCKS_MAX);
    if (errors.length > 0) throw new SlackApiError('invalid_blocks', { errors });
    return view as Record<string, unknown>;
  }

  /**
   * A view the app answered a `view_submission` with (`response_action: update` or `push`): Slack shows it without a
   * Web API call, so the client that received the answer reports it here, to get the id and hash Slack would add.
   */
  acceptViewFromResponse(
    action: 'update' | 'push',
    view: Record<string, unknown>,
    replacing: string,
  ): SlackOpenedView['view'] {
    const current = this.#views.get(replacing);
    const id =
      action === 'update' && current ? current.id : `V${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    const root = String(current?.['root_view_id'] ?? replacing);
    const previous =
      action === 'push' ? replacing : ((current?.['previous_view_id'] as string | null | undefined) ?? null);
    const shown = this.#shown(view, id, root, previous);
    this.#views.set(id, shown);
    return shown;
  }

  /** A view as Slack answers it: the app's fields plus the id, hash, empty state and the defaults Slack fills in. */
  #shown(view: Record<string, unknown>, id: string, root: string, previous: string | null): SlackOpenedView['view'] {
    return {
      ...view,
      id,
      team_id: this.teamId,
      app_id: this.appId,
      bot_id: this.botId,
      state: { values: {} },
      hash: viewHash(),
      private_metadata: typeof view['private_metadata'] === 'string' ? view['private_metadata'] : '',
      callback_id: typeof view['callback_id'] === 'string' ? view['callback_id'] : '',
      external_id: typeof view['external_id'] === 'string' ? view['external_id'] : '',
      clear_on_close: view['clear_on_close'] === true,
      notify_on_close: view['notify_on_close'] === true,
      root_view_id: root,
      previous_view_id: previous,
    };
  }

  #viewChanged(change: SlackViewChange): void {
    this.#views.set(change.view.id, change.view);
    this.#viewChanges.push(change);
    for (const listener of [...this.#viewListeners]) listener(change);
  }

  #userJson(id: string | undefined) {
    if (id === undefined) throw new SlackApiError('user_not_found');
    const user = this.#users.get(id) ?? { id, name: id.toLowerCase() }; // unknown ids are answered permissively
    return {
      id: user.id,
      team_id: this.teamId,
      name: user.name,
      real_name: user.realName ?? user.name,
      deleted: user.deleted ?? false,
      is_bot: user.isBot ?? false,
      tz: user.tz ?? 'UTC',
      profile: {
        real_name: user.realName ?? user.name,
        display_name: user.displayName ?? user.name,
        email: user.email,
      },
    };
  }

  #messageJson(message: SlackMessage, isWithMetadata = true) {
    return {
      type: 'message',
      user: message.user,
      bot_id: this.botId,
      app_id: this.appId,
      team: this.teamId,
      text: message.text ?? '',
      ts: message.ts,
      thread_ts: message.threadTs,
      blocks: message.blocks,
      metadata: isWithMetadata ? message.metadata : undefined,
    };
  }
}

/** Slack's view hash: the time it was made and a random part ("1569362015.55b5e41b"). */
function viewHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomUUID().slice(0, 8)}`;
}
