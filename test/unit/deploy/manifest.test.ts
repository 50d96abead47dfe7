import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRepoFile, sourceFiles } from '../../support/source-scan.ts';

/**
 * Web API method → the bot scope it needs (null: none), from each method's page at docs.slack.dev/reference/methods.
 * A method the code calls that is missing here fails the test: look its scope up and add it, with the manifest entry.
 */
const METHOD_SCOPES: Readonly<Record<string, string | readonly string[] | null>> = {
  'auth.test': null,
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.getPermalink': null,
  'conversations.open': 'im:write',
  // One scope per conversation type; the bot reads approval channels (public or private) and its DMs.
  'conversations.history': ['channels:history', 'groups:history', 'im:history'],
  'conversations.replies': ['channels:history', 'groups:history', 'im:history'],
  // The profile email (identity.sso) needs users:read.email besides users:read.
  'users.info': ['users:read', 'users:read.email'],
  'users.list': 'users:read',
  'usergroups.users.list': 'usergroups:read',
  'views.open': null,
  'views.publish': null,
  'views.update': null,
};

/** Event type in `app.event(…)` → the subscription and the scope it needs (docs.slack.dev/reference/events). */
const EVENT_SUBSCRIPTIONS: Readonly<Record<string, { subscribe: string; scope: string | null }>> = {
  app_mention: { subscribe: 'app_mention', scope: 'app_mentions:read' },
  // The listener keeps only direct messages (channel_type im); message.channels etc. are deliberately not asked for.
  message: { subscribe: 'message.im', scope: 'im:history' },
  app_home_opened: { subscribe: 'app_home_opened', scope: null },
};

/** Slack Web API method families (docs.slack.dev/reference/methods); `x.chat.postMessage(` is a call, `x.map(` is not. */
const FAMILIES =
  'admin|apps|auth|bookmarks|bots|calls|chat|conversations|dnd|emoji|files|pins|reactions|reminders|search|team|usergroups|users|views|workflows';
const CALL = new RegExp(`\\.(?:${FAMILIES})\\.[a-zA-Z]+(?:\\.[a-zA-Z]+)?\\(`, 'g');
const API_CALL = /apiCall\(\s*['"]([a-z]+(?:\.[a-zA-Z]+)+)['"]/g;

const code = sourceFiles('src', []);

function calledMethods(): Map<string, string> {
  const found = new Map<string, string>();
  for (const { path, text } of code) {
    for (const match of text.matchAll(CALL)) found.set(match[0].slice(1, -1), path);
    for (const match of text.matchAll(API_CALL)) found.set(String(match[1]), path);
  }
  return found;
}

/** Event types given to `.event(`, directly or through the `[type, …]` tuples a listener loop iterates. */
function listenedEvents(): Map<string, string> {
  const found = new Map<string, string>();
  for (const { path, text } of code) {
    if (!text.includes('.event(')) continue;
    for (const match of text.matchAll(/\.event\(\s*['"]([a-z_]+)['"]/g)) found.set(String(match[1]), path);
    for (const match of text.matchAll(/\[\s*'([a-z_]+)'\s*,/g)) {
      if (String(match[1]) in EVENT_SUBSCRIPTIONS) found.set(String(match[1]), path);
    }
  }
  return found;
}

interface Manifest {
  features: { bot_user?: unknown; app_home?: { home_tab_enabled?: boolean }; slash_commands?: { command: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean } };
}
const manifest = parse(readRepoFile('manifest.yml')) as Manifest;
const scopes = new Set(manifest.oauth_config.scopes.bot);
const subscribed = new Set(manifest.settings.event_subscriptions.bot_events);

describe('manifest.yml', () => {
  const methods = calledMethods();
  const events = listenedEvents();

  it('finds the calls the notifier is known to make (the scan works)', () => {
    expect([...methods.keys()]).toEqual(expect.arrayContaining(['chat.postMessage', 'conversations.open']));
    expect([...events.keys()]).toEqual(expect.arrayContaining(['app_mention', 'message']));
  });

  it.each([...calledMethods()])('%s (called in %s) is in the scope table and its scope is declared', (method) => {
    expect(METHOD_SCOPES, `add ${method} and its scope to METHOD_SCOPES`).toHaveProperty([method]);
    for (const scope of [METHOD_SCOPES[method] ?? []].flat()) expect([...scopes]).toContain(scope);
  });

  it.each([...listenedEvents()])('event %s (listened to in %s) is subscribed with its scope', (event) => {
    const needed = EVENT_SUBSCRIPTIONS[event];
    expect(needed, `add ${event} to EVENT_SUBSCRIPTIONS`).toBeDefined();
    expect([...subscribed]).toContain(needed?.subscribe);
    if (needed?.scope) expect([...scopes]).toContain(needed.scope);
  });

  it('declares no scope that neither the table, the events nor the slash command explains', () => {
    const explained = new Set<string>(['commands']);
    for (const scope of Object.values(METHOD_SCOPES).flatMap((s) => [s ?? []].flat())) explained.add(scope);
    for (const { scope } of Object.values(EVENT_SUBSCRIPTIONS)) if (scope) explained.add(scope);

    expect([...scopes].filter((scope) => !explained.has(scope))).toEqual([]);
  });

  it('subscribes to app_mention, message.im and app_home_opened, and nothing else', () => {
    expect([...subscribed].sort()).toEqual(['app_home_opened', 'app_mention', 'message.im']);
  });

  it('has a bot user, the /eks command, interactivity and the Home tab', () => {
    expect(manifest.features.bot_user).toBeDefined();
    expect(manifest.features.slash_commands?.map((c) => c.command)).toEqual(['/eks']);
    expect(scopes.has('commands')).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
  });

  it('documents how to switch Socket Mode on', () => {
    const text = readRepoFile('manifest.yml');

    expect(text).toMatch(/socket_mode_enabled: false/);
    expect(text).toMatch(/SLACK_APP_TOKEN/);
    expect(text).toMatch(/connections:write/);
  });
  it('escapes /eks so mentions arrive as <@U…|name>, not a plain @name the parser cannot resolve', () => {
    const command = manifest.features.slash_commands?.find((c) => c.command === '/eks') as
      | { should_escape?: boolean }
      | undefined;
    expect(command?.should_escape).toBe(true);
  });

  it('lists in the operations guide exactly the bot scopes the manifest asks for', () => {
    const readme = readRepoFile('docs/operations.md');
    const sentence = /exactly the scopes the code uses: ([^(]+)\(/.exec(readme)?.[1] ?? '';
    const listed = [...sentence.matchAll(/`([a-z_.:]+)`/g)].map((m) => m[1]);
    expect(listed).toEqual([...scopes].sort());
  });
});
