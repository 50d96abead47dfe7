import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderMessageText } from '../../src/adapters/terminal/message-text.ts';
import { asChannelId, asPersonId, type PersonId } from '../../src/core/ids.ts';
import type { Action, Message } from '../../src/core/messages/message.ts';
import type { HomeTab, MessageRef, Notifier, People, UserGroups } from '../../src/usecases/ports/chat.ts';

/**
 * A second chat front end, for tests only: a chat that speaks JSON over HTTP. People say things and press buttons
 * with POSTs; everyone reads conversations with GETs. It implements the chat ports (Notifier, HomeTab, People,
 * UserGroups) for the use cases and renders the neutral message with the terminal renderer, so nothing of Slack
 * (mrkdwn, Block Kit, action ids) is involved. What a person does is handed to `handlers`, which the wiring points
 * at the bot's queue, as the Slack listeners do.
 */
export interface JsonChatHandlers {
  say(input: { user: string; conversation: string; messageId: string; text: string }): Promise<void>;
  press(input: {
    user: string;
    conversation: string;
    messageId: string;
    pressId: string;
    action: Action;
    value: string;
  }): Promise<void>;
}

/** A message in a conversation, as the JSON chat shows it. */
export interface ChatMessage {
  id: string;
  conversation: string;
  from: 'bot' | string;
  /** Only this person sees it (an ephemeral answer). */
  for?: string;
  thread?: string;
  lines: string[];
  buttons: { number: number; action: Action; value: string; label: string }[];
}

interface Stored {
  id: string;
  conversation: string;
  from: string;
  for?: string;
  thread?: string;
  message?: Message;
  text?: string;
}

export class JsonChat {
  readonly #server: Server;
  readonly #messages: Stored[] = [];
  readonly #homes = new Map<string, Message>();
  #handlers: JsonChatHandlers | undefined;
  #next = 1;
  url = '';

  constructor() {
    this.#server = createServer((request, response) => {
      this.#route(request, response).catch((error: unknown) => reply(response, 500, { error: String(error) }));
    });
  }

  static async start(): Promise<JsonChat> {
    const chat = new JsonChat();
    await new Promise<void>((resolve) => chat.#server.listen(0, '127.0.0.1', resolve));
    chat.url = `http://127.0.0.1:${(chat.#server.address() as AddressInfo).port}`;
    return chat;
  }

  connect(handlers: JsonChatHandlers): void {
    this.#handlers = handlers;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  readonly notifier: Notifier = {
    post: async (target, message, options) => {
      if (options?.mayExistSince !== undefined && message.tag) {
        const found = this.#messages.find(
          (m) =>
            m.conversation === target.channel &&
            m.message?.tag?.owner === message.tag?.owner &&
            m.message?.tag?.key === message.tag?.key,
        );
        if (found) return { channel: found.conversation, ts: found.id };
      }
      const stored = this.#store({
        conversation: target.channel,
        from: 'bot',
        message,
        ...(target.threadTs ? { thread: target.threadTs } : {}),
      });
      return { channel: stored.conversation, ts: stored.id };
    },
    update: async (ref: MessageRef, message) => {
      const found = this.#messages.find((m) => m.conversation === ref.channel && m.id === ref.ts);
      if (found) found.message = message;
    },
    postEphemeral: async (target, message) => {
      this.#store({
        conversation: target.channel,
        from: 'bot',
        for: target.user,
        message,
        ...(target.threadTs ? { thread: target.threadTs } : {}),
      });
    },
    openDm: async (user) => asChannelId(`dm-${user}`),
    permalink: async (channel, ts) => `${this.url}/conversations/${channel}#${ts}`,
  };

  readonly home: HomeTab = {
    publish: async (user, view) => {
      this.#homes.set(user, view);
      return { viewId: `home-${user}` };
    },
  };

  /** This chat has no directory of names and no groups: people are named by id. */
  readonly people: People = { findByName: async () => [] };
  readonly userGroups: UserGroups = { members: async (): Promise<readonly PersonId[]> => [] };

  #store(input: Omit<Stored, 'id'>): Stored {
    const stored = { ...input, id: `m${this.#next++}` };
    this.#messages.push(stored);
    return stored;
  }

  async #route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const conversation = /^\/conversations\/([^/]+)$/.exec(url.pathname)?.[1];
    if (request.method === 'GET' && conversation) {
      reply(response, 200, { messages: this.#show(decodeURIComponent(conversation)) });
      return;
    }
    if (request.method === 'POST' && url.pathname === '/say') {
      const body = (await readJson(request)) as { user: string; conversation: string; text: string };
      const said = this.#store({ conversation: body.conversation, from: body.user, text: body.text });
      await this.#handlers?.say({ ...body, messageId: said.id });
      reply(response, 202, { id: said.id });
      return;
    }
    if (request.method === 'POST' && url.pathname === '/press') {
      const body = (await readJson(request)) as { user: string; messageId: string; button: number };
      const target = this.#messages.find((m) => m.id === body.messageId);
      const button = target?.message
        ? renderMessageText(target.message).buttons.find((b) => b.number === body.button)
        : undefined;
      if (!target || !button) {
        reply(response, 404, { error: 'no such button' });
        return;
      }
      await this.#handlers?.press({
        user: body.user,
        conversation: target.conversation,
        messageId: target.id,
        pressId: `${target.id}-${body.button}-${body.user}-${this.#next++}`,
        action: button.action,
        value: button.value,
      });
      reply(response, 202, {});
      return;
    }
    reply(response, 404, { error: 'not found' });
  }

  #show(conversation: string): ChatMessage[] {
    return this.#messages
      .filter((m) => m.conversation === conversation)
      .map((m) => {
        const rendered = m.message ? renderMessageText(m.message) : { lines: [m.text ?? ''], buttons: [] };
        return {
          id: m.id,
          conversation: m.conversation,
          from: m.from,
          ...(m.for ? { for: m.for } : {}),
          ...(m.thread ? { thread: m.thread } : {}),
          lines: rendered.lines,
          buttons: rendered.buttons,
        };
      });
  }
}

/** A JSON chat client, as a test (or a person with curl) uses it. */
export function jsonChatClient(url: string) {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id?: string };
  };
  return {
    say: (user: string, conversation: string, text: string) => post('/say', { user, conversation, text }),
    press: (user: string, messageId: string, button: number) => post('/press', { user, messageId, button }),
    async read(conversation: string): Promise<ChatMessage[]> {
      const response = await fetch(`${url}/conversations/${encodeURIComponent(conversation)}`);
      return ((await response.json()) as { messages: ChatMessage[] }).messages;
    },
  };
}

/** A person id of this chat: opaque, like every chat's. */
export const chatPerson = (id: string): PersonId => asPersonId(id);

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
