/**
 * What Slack would send the bot when a person types or clicks: Events API deliveries, slash commands and
 * block_actions, built with the sandbox's payload builders and signed exactly as Slack signs them.
 */
import { randomUUID } from 'node:crypto';
import {
  appMentionEvent,
  blockActions,
  directMessageEvent,
  eventCallback,
  type SlackStateValue,
  slackTriggerId,
  slackTs,
  slashCommand,
  viewClosed,
  viewSubmission,
} from '../slack/payloads.ts';
import { type SlackHttpResult, sendSlackRequest } from '../slack/sign.ts';
import type { SlackMessage, SlackWebApiFake } from '../slack/web-api.ts';
import type { TextButton } from './block-kit-text.ts';
import { CHANNELS, PERSONAS, type Persona } from './personas.ts';

export interface SlackSender {
  mention(as: Persona, text: string): Promise<SlackHttpResult>;
  dm(as: Persona, text: string): Promise<SlackHttpResult>;
  command(as: Persona, text: string): Promise<SlackHttpResult>;
  click(as: Persona, button: TextButton, on: SlackMessage): Promise<SlackHttpResult>;
  /** `view_submission` of `view` (as last shown) with `values` as `view.state.values`. */
  submitView(
    as: Persona,
    view: Record<string, unknown>,
    values: Record<string, Record<string, SlackStateValue>>,
  ): Promise<SlackHttpResult>;
  /** `view_closed` (send it only for a view with `notify_on_close`, as Slack does). */
  closeView(as: Persona, view: Record<string, unknown>, isCleared: boolean): Promise<SlackHttpResult>;
  /** Who was handed `triggerId` (a click, a command or a submission): whose screen a modal opened with it is on. */
  whoseTrigger(triggerId: string): Persona | undefined;
}

export function createSlackSender(slack: SlackWebApiFake, eventsUrl: string, secret: string): SlackSender {
  const sign = { secret };
  const triggers = new Map<string, Persona>();
  const trigger = (as: Persona) => {
    const id = slackTriggerId();
    triggers.set(id, as);
    return id;
  };
  const team = { teamId: slack.teamId, appId: slack.appId, botUserId: slack.botUserId };
  const send = async (as: Persona, channel: string, text: string, kind: 'mention' | 'dm') => {
    const input = { user: as.slackId, channel, text: toSlackMarkup(text, slack.botUserId), ts: slackTs() };
    const event = kind === 'mention' ? appMentionEvent(input, team) : directMessageEvent(input, team);
    const built = eventCallback({ ...team, event });
    return await sendSlackRequest(eventsUrl, 'event', built.body, sign);
  };
  return {
    mention: (as, text) => send(as, CHANNELS.general, `<@${slack.botUserId}> ${text}`, 'mention'),
    dm: (as, text) => send(as, slack.dmChannelFor(as.slackId), text, 'dm'),
    async command(as, text) {
      const built = slashCommand({
        ...team,
        userId: as.slackId,
        userName: as.name,
        channelId: CHANNELS.general,
        text: toSlackMarkup(text, slack.botUserId),
        responseUrl: slack.responseUrl(randomUUID()),
        triggerId: trigger(as),
      });
      return await sendSlackRequest(eventsUrl, 'command', built.body, sign);
    },
    async click(as, button, on) {
      const built = blockActions({
        ...team,
        userId: as.slackId,
        userName: as.name,
        actionId: button.actionId,
        ...(button.value === undefined ? {} : { value: button.value }),
        ...(button.blockId === undefined ? {} : { blockId: button.blockId }),
        buttonText: button.label,
        channelId: on.channel,
        messageTs: on.ts,
        message: {
          type: 'message',
          user: on.user,
          ts: on.ts,
          thread_ts: on.threadTs,
          text: on.text,
          blocks: on.blocks,
        },
        responseUrl: slack.responseUrl(randomUUID()),
        triggerId: trigger(as),
      });
      // Slack names the thread of a threaded message in the container; the builder leaves it out.
      const container = {
        ...(built.payload['container'] as object),
        ...(on.threadTs ? { thread_ts: on.threadTs } : {}),
      };
      const body = new URLSearchParams({ payload: JSON.stringify({ ...built.payload, container }) }).toString();
      return await sendSlackRequest(eventsUrl, 'interaction', body, sign);
    },
    async submitView(as, view, values) {
      const built = viewSubmission({
        ...team,
        userId: as.slackId,
        userName: as.name,
        view,
        values,
        triggerId: trigger(as),
      });
      return await sendSlackRequest(eventsUrl, 'interaction', built.body, sign);
    },
    async closeView(as, view, isCleared) {
      const built = viewClosed({ ...team, userId: as.slackId, userName: as.name, view, isCleared });
      return await sendSlackRequest(eventsUrl, 'interaction', built.body, sign);
    },
    whoseTrigger: (triggerId) => triggers.get(triggerId),
  };
}

/**
 * What the Slack client does to a typed message: `@alice` becomes `<@U0ALICE>`, `@eks-access` the bot's mention, and
 * `&`, `<`, `>` are escaped (Slack escapes only these three).
 */
export function toSlackMarkup(typed: string, botUserId: string): string {
  const keepMarkup = typed.startsWith(`<@${botUserId}> `) ? `<@${botUserId}> ` : '';
  const escaped = typed
    .slice(keepMarkup.length)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
  const mentioned = escaped.replace(/(^|\s)@([a-z][a-z0-9-]*)\b/gi, (whole, space: string, name: string) => {
    if (name.toLowerCase() === 'eks-access') return `${space}<@${botUserId}>`;
    const persona = PERSONAS.find((p) => p.name === name.toLowerCase());
    return persona ? `${space}<@${persona.slackId}>` : whole;
  });
  return `${keepMarkup}${mentioned}`;
}
