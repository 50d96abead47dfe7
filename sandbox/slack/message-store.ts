/**
 * Messages the Slack fake has accepted, addressed as Slack addresses them: by channel and `ts`. Updates keep the `ts`
 * and the previous versions, thread replies carry `threadTs`, ephemeral messages are kept apart (they have no
 * addressable `ts` in the channel). Tests wait on it with `waitFor`, which re-checks on every change.
 */

export interface SlackMessageVersion {
  text: string | undefined;
  blocks: unknown[] | undefined;
  /** Epoch milliseconds. */
  at: number;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  text: string | undefined;
  blocks: unknown[] | undefined;
  metadata: unknown;
  /** The bot user that posted it. */
  user: string;
  /** Set for `chat.postEphemeral`: the only user who sees it. */
  ephemeralTo: string | undefined;
  postedAt: number;
  /** Earlier versions, oldest first; empty until `chat.update` changes the message. */
  history: SlackMessageVersion[];
}

export interface MessageFilter {
  channel?: string;
  threadTs?: string;
  /** `true`: only ephemeral messages; `false` (default): only channel messages. */
  isEphemeral?: boolean;
  /** Matches `text` or any text inside `blocks`. */
  text?: string | RegExp;
}

export class MessageStore {
  readonly #messages: SlackMessage[] = [];
  readonly #listeners = new Set<() => void>();
  readonly #now: () => number;
  #lastMicros = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** A Slack-style `ts` ("1700000000.000100"): unique and strictly increasing, like Slack's per-channel ordering. */
  nextTs(): string {
    this.#lastMicros = Math.max(this.#now() * 1000, this.#lastMicros + 1);
    const seconds = Math.floor(this.#lastMicros / 1_000_000);
    const micros = this.#lastMicros % 1_000_000;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }

  add(message: Omit<SlackMessage, 'ts' | 'postedAt' | 'history'>): SlackMessage {
    const stored: SlackMessage = { ...message, ts: this.nextTs(), postedAt: this.#now(), history: [] };
    this.#messages.push(stored);
    this.#changed();
    return stored;
  }

  find(channel: string, ts: string): SlackMessage | undefined {
    return this.#messages.find((message) => message.channel === channel && message.ts === ts && !message.ephemeralTo);
  }

  update(message: SlackMessage, change: { text?: string; blocks?: unknown[]; metadata?: unknown }): SlackMessage {
    message.history.push({ text: message.text, blocks: message.blocks, at: this.#now() });
    if (change.text !== undefined) message.text = change.text;
    if (change.blocks !== undefined) message.blocks = change.blocks;
    if (change.metadata !== undefined) message.metadata = change.metadata;
    this.#changed();
    return message;
  }

  list(filter: MessageFilter = {}): SlackMessage[] {
    return this.#messages.filter((message) => matches(message, filter)).map(snapshot);
  }

  /** Resolves with the first message (in its current version) that satisfies `predicate`. */
  async waitFor(predicate: (message: SlackMessage) => boolean, timeoutMs: number): Promise<SlackMessage> {
    const find = () => this.#messages.find(predicate);
    const found = find();
    if (found) return snapshot(found);
    return await new Promise<SlackMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error(`no matching Slack message within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = () => {
        const match = find();
        if (!match) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(snapshot(match));
      };
      this.#listeners.add(listener);
    });
  }

  /** Calls `listener` after every post or update; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

function matches(message: SlackMessage, filter: MessageFilter): boolean {
  if (filter.channel !== undefined && message.channel !== filter.channel) return false;
  if (filter.threadTs !== undefined && message.threadTs !== filter.threadTs) return false;
  if ((message.ephemeralTo !== undefined) !== (filter.isEphemeral ?? false)) return false;
  if (filter.text === undefined) return true;
  const haystack = `${message.text ?? ''}\n${JSON.stringify(message.blocks ?? [])}`;
  return typeof filter.text === 'string' ? haystack.includes(filter.text) : filter.text.test(haystack);
}

function snapshot(message: SlackMessage): SlackMessage {
  return structuredClone(message);
}
