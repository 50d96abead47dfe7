import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import { asChannelId } from '../../core/ids.ts';
import type { MessageTag } from '../../core/messages/message.ts';
import { AdapterError, DeferredError, toAdapterError } from '../../shared/errors.ts';
import type { MessageRef, Notifier } from '../../usecases/ports/chat.ts';
import type { ChannelPacer } from './channel-pacer.ts';
import { MESSAGE_TAG_EVENT, renderBlockKit } from './render/block-kit.ts';

export interface NotifierOptions {
  /**
   * Used for chat.postMessage only, and must not retry by itself (`retries: 0`, `rejectRateLimitedCalls`): a post
   * whose answer was lost may have been posted, so the next try looks for it first, which a client retry cannot.
   */
  postClient?: WebClient;
  pacer?: ChannelPacer;
}

/** Tries per post within one job (the job retries on its own schedule after that). */
const POST_ATTEMPTS = 5;
/** How far back, before the first uncertain attempt, a lookup searches (clock skew between us and Slack). */
const LOOKUP_SLACK_MS = 60_000;

/** The Notifier port over the Slack Web API. Errors leave as AdapterError (rate limits are retryable). */
export function createSlackNotifier(client: WebClient, options: NotifierOptions = {}): Notifier {
  const postClient = options.postClient ?? client;
  const dmCache = new Map<string, string>();

  async function findTagged(
    target: { channel: string; threadTs?: string },
    tag: MessageTag,
    since: number,
  ): Promise<MessageRef | undefined> {
    const common = { channel: target.channel, include_all_metadata: true, limit: 200 };
    let result: { messages?: { ts?: string; metadata?: unknown }[] };
    try {
      result = target.threadTs
        ? await client.conversations.replies({ ...common, ts: target.threadTs })
        : await client.conversations.history({ ...common, oldest: ((since - LOOKUP_SLACK_MS) / 1000).toFixed(6) });
    } catch (error) {
      // Slack said no (thread_not_found, not_in_channel, missing_scope): it cannot show us a post there, so treat
      // it as not posted. Only an unanswered lookup (5xx, network) is retried before posting.
      if (!toAdapterError(error).retryable) return undefined;
      throw error;
    }
    const found = (result.messages ?? []).find((m) => {
      const metadata = m.metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
      return (
        metadata?.event_type === MESSAGE_TAG_EVENT &&
        metadata.event_payload?.['owner'] === tag.owner &&
        metadata.event_payload?.['key'] === tag.key
      );
    });
    return found?.ts ? { channel: target.channel, ts: found.ts } : undefined;
  }

  async function pace(channel: string, afterUncertainTry: boolean): Promise<void> {
    if (!options.pacer) return;
    const slot = await options.pacer.reserve(channel);
    if ('busyForMs' in slot) {
      throw new DeferredError(slot.busyForMs, `Slack channel ${channel} posting budget`, { afterUncertainTry });
    }
    if (slot.waitMs > 0) await sleep(slot.waitMs);
  }

  return {
    async post(target, message, postOptions = {}) {
      const rendered = renderBlockKit(message);
      let uncertainSince = postOptions.mayExistSince;
      for (let attempt = 1; ; attempt++) {
        try {
          if (uncertainSince !== undefined && message.tag) {
            const found = await findTagged(target, message.tag, uncertainSince);
            if (found) return found;
          }
          await pace(target.channel, uncertainSince !== undefined);
          const startedAt = Date.now();
          try {
            const result = await postClient.chat.postMessage({
              channel: target.channel,
              text: rendered.text,
              blocks: rendered.blocks,
              ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
              ...(rendered.metadata ? { metadata: rendered.metadata } : {}),
              unfurl_links: false,
              unfurl_media: false,
            });
            return { channel: result.channel ?? target.channel, ts: result.ts ?? '' };
          } catch (error) {
            // Slack refuses a rate-limited post before posting; anything else may have posted it.
            if (toAdapterError(error).code !== 'slack_rate_limited') uncertainSince ??= startedAt;
            throw error;
          }
        } catch (error) {
          if (error instanceof DeferredError) throw error;
          const failure = toAdapterError(error);
          if (!failure.retryable || attempt >= POST_ATTEMPTS) throw failure;
          await sleep(retryDelayMs(error, attempt));
        }
      }
    },
    async update(ref, message) {
      const rendered = renderBlockKit(message);
      await slack(() =>
        client.chat.update({ channel: ref.channel, ts: ref.ts, text: rendered.text, blocks: rendered.blocks }),
      );
    },
    async postEphemeral(target, message) {
      const rendered = renderBlockKit(message);
      await slack(() =>
        client.chat.postEphemeral({
          channel: target.channel,
          user: target.user,
          text: rendered.text,
          blocks: rendered.blocks,
          ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
        }),
      );
    },
    async permalink(channel, ts) {
      try {
        const result = await slack(() => client.chat.getPermalink({ channel, message_ts: ts }));
        return result.permalink;
      } catch (error) {
        // A missing message or channel is an answer (no link), not a failure worth retrying.
        if (toAdapterError(error).code === 'slack_platform_error') return undefined;
        throw error;
      }
    },
    async openDm(user) {
      const cached = dmCache.get(user);
      if (cached) return asChannelId(cached);
      const result = await slack(() => client.conversations.open({ users: user }));
      const id = result.channel?.id;
      if (!id) throw toAdapterError(new Error('conversations.open returned no channel'));
      dmCache.set(user, id);
      return asChannelId(id);
    },
  };
}

/** Retry-After for a rate limit, else jittered exponential back-off from 500 ms, capped at 8 s. */
function retryDelayMs(error: unknown, attempt: number): number {
  const retryAfterSec = (error as { retryAfter?: unknown }).retryAfter;
  if (typeof retryAfterSec === 'number' && retryAfterSec > 0) return retryAfterSec * 1000;
  const base = Math.min(8_000, 500 * 2 ** (attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}

async function slack<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw error instanceof AdapterError ? error : toAdapterError(error);
  }
}
