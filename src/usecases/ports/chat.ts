import type { ChannelId, PersonId } from '../../core/ids.ts';
import type { Message } from '../../core/messages/message.ts';

export interface MessageRef {
  channel: string;
  ts: string;
  /** Of the content last posted or written to it; an update with the same content is skipped. */
  contentHash?: string;
}

/**
 * Messages already posted, keyed by owner (a request or an inbound message) and purpose.
 * Slack has no idempotency key, so a retried job looks here before posting again.
 */
export interface MessageLog {
  get(owner: string, key: string): Promise<MessageRef | undefined>;
  /**
   * Before posting, in one round trip: the message already posted for (owner, key), if any. Otherwise the caller
   * holds the key while it posts (so two jobs never post the same message at once) and learns when an earlier
   * attempt began, if one did and never saved (it may have reached Slack). `busyForMs`: another job holds it.
   */
  claim(
    owner: string,
    key: string,
    at: number,
  ): Promise<{ ref?: MessageRef; attemptedAt?: number; busyForMs?: number }>;
  /** The attempt sent nothing (deferred before posting): as if it never began. */
  release(owner: string, key: string): Promise<void>;
  /** The attempt failed and may have posted: the next one may go at once, and looks first. */
  abandon(owner: string, key: string): Promise<void>;
  /** Records the posted message (and clears the attempt mark). */
  save(owner: string, key: string, ref: MessageRef): Promise<void>;
  list(owner: string): Promise<Record<string, MessageRef>>;
}

/** The chat platform, seen as five verbs. Throws AdapterError on platform failures. */
export interface Notifier {
  /**
   * Posts, paced per channel. With `mayExistSince` (an earlier attempt at that time may have reached Slack), the
   * channel or thread is searched for a message carrying the same `message.tag` first, and that one is returned.
   * Throws DeferredError when the channel's posting budget is spent for longer than a worker should wait.
   */
  post(
    target: { channel: string; threadTs?: string },
    message: Message,
    options?: { mayExistSince?: number },
  ): Promise<MessageRef>;
  update(ref: MessageRef, message: Message): Promise<void>;
  postEphemeral(target: { channel: string; user: PersonId; threadTs?: string }, message: Message): Promise<void>;
  openDm(user: PersonId): Promise<ChannelId>;
  /** A link to a message (chat.getPermalink; no scope needed). Undefined when Slack has no such message. */
  permalink(channel: string, ts: string): Promise<string | undefined>;
}

/** Slack user groups (S…) named as approvers or break-glass people. Throws AdapterError when Slack cannot answer. */
export interface UserGroups {
  /** The group's member ids; cached briefly, so a change in Slack takes effect within minutes. Unknown group: []. */
  members(groupId: string): Promise<readonly PersonId[]>;
}

/**
 * The workspace member list (`users.list`), for a plain-text `@name` Slack did not turn into a mention. Cached
 * briefly; throws AdapterError when Slack cannot answer.
 */
export interface People {
  /** Active (not deleted, not bot) members whose username, display name or real name is `name`, any case. */
  findByName(name: string): Promise<readonly PersonId[]>;
}

/** The person's App Home tab. Throws AdapterError on platform failures. */
export interface HomeTab {
  /** Replaces the user's Home view; returns the view id Slack gave it (clicks from it carry that id). */
  publish(user: PersonId, view: Message): Promise<{ viewId: string }>;
}
