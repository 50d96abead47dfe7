import type { WebClient } from '@slack/web-api';
import { asChannelId } from '../../core/ids.ts';
import { toAdapterError } from '../../shared/errors.ts';
import type { Notifier } from '../../usecases/ports.ts';
import { renderBlockKit } from './render/block-kit.ts';

/** The Notifier port over the Slack Web API. Errors leave as AdapterError (rate limits are retryable). */
export function createSlackNotifier(client: WebClient): Notifier {
  const dmCache = new Map<string, string>();
  return {
    async post(target, message) {
      const rendered = renderBlockKit(message);
      const result = await slack(() =>
        client.chat.postMessage({
          channel: target.channel,
          text: rendered.text,
          blocks: rendered.blocks,
          ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
          ...(rendered.metadata ? { metadata: rendered.metadata } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      return { channel: result.channel ?? target.channel, ts: result.ts ?? '' };
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

async function slack<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toAdapterError(error);
  }
}
