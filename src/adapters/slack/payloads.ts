import { z } from 'zod';

// Only the fields eks-access reads; anything else Slack sends is ignored.
export const mentionEvent = z.object({
  type: z.literal('app_mention'),
  user: z.string(),
  channel: z.string(),
  ts: z.string(),
  thread_ts: z.string().optional(),
  text: z.string().default(''),
});

export const directMessageEvent = z.object({
  type: z.literal('message'),
  channel_type: z.literal('im'),
  user: z.string(),
  channel: z.string(),
  ts: z.string(),
  thread_ts: z.string().optional(),
  text: z.string().default(''),
  // Edits, joins and bot posts carry a subtype or bot_id; only plain messages from people are requests.
  subtype: z.never().optional(),
  bot_id: z.never().optional(),
});

export const reviewAction = z.object({
  user: z.object({ id: z.string() }),
  trigger_id: z.string(),
  container: z.object({ message_ts: z.string(), channel_id: z.string(), thread_ts: z.string().optional() }),
});

/** https://docs.slack.dev/reference/events/app_home_opened : `tab` is `home` or `messages`. */
export const appHomeOpenedEvent = z.object({
  type: z.literal('app_home_opened'),
  user: z.string(),
  tab: z.string().optional(),
});

/** A click in an App Home tab: the container is the view, not a message (no channel, no message ts). */
export const homeAction = z.object({
  user: z.object({ id: z.string() }),
  trigger_id: z.string(),
  container: z.object({ type: z.literal('view'), view_id: z.string() }),
  view: z.object({ type: z.literal('home') }),
});
