/**
 * Everything the bot posts to the Slack fake, printed as it arrives: new messages, updates (a card that changes
 * state, "checking…" replaced by a verdict; only the changed lines) and ephemeral ones, each under a line saying
 * where it was posted.
 * Buttons get numbers that keep growing, so `/click N` always means the button printed as [N].
 */

import type { SlackMessage, SlackWebApiFake } from '../slack/web-api.ts';
import { renderBlockKitAsText, type TextButton } from './block-kit-text.ts';
import { CHANNEL_NAMES, PERSONAS } from './personas.ts';

export interface PressableButton {
  button: TextButton;
  message: SlackMessage;
}

export interface MessageFeed {
  button(number: number): PressableButton | undefined;
  /** Prints a reply that came back on the HTTP response itself (a slash command's ephemeral answer). */
  printResponse(where: string, body: { text?: string; blocks?: unknown[] }): void;
  /** Prints what changed since the last print, each message in its current version. */
  flush(): void;
  stop(): void;
}

export interface FeedOptions {
  /**
   * `true` (the default): print as messages arrive. `false`: only on `flush()`, so a recorded session shows each
   * message as it ended up after a step, not whichever intermediate versions the timing happened to catch.
   */
  live?: boolean;
}

export function startMessageFeed(
  slack: SlackWebApiFake,
  print: (text: string) => void,
  options: FeedOptions = {},
): MessageFeed {
  const names: Record<string, string> = { ...CHANNEL_NAMES, [slack.botUserId]: 'eks-access' };
  for (const persona of PERSONAS) {
    names[persona.slackId] = persona.name;
    names[slack.dmChannelFor(persona.slackId)] = `DM with @${persona.name}`;
  }
  const seen = new Map<string, number>();
  const buttons = new Map<number, PressableButton>();
  let nextButton = 1;
  const lastLines = new Map<string, string[]>();
  /** Renders a message; an update prints only the lines that changed, so a card's new status stands out. */
  const render = (
    heading: string,
    message: { text?: string | undefined; blocks?: unknown[] | undefined },
    key?: string,
  ) => {
    const rendered = renderBlockKitAsText(message, { names, firstButton: nextButton });
    nextButton += rendered.buttons.length;
    const before = key === undefined ? undefined : lastLines.get(key);
    if (key !== undefined) lastLines.set(key, rendered.lines);
    const shown = before === undefined ? rendered.lines : rendered.lines.filter((line) => !before.includes(line));
    const unchanged = rendered.lines.length - shown.length;
    const note = unchanged > 0 ? [`… (${unchanged} unchanged line${unchanged === 1 ? '' : 's'})`] : [];
    print([heading, ...[...note, ...shown].map((line) => `  ${line}`)].join('\n'));
    return rendered.buttons;
  };
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const all = [...slack.messages(), ...slack.messages({ isEphemeral: true })].sort((a, b) => a.postedAt - b.postedAt);
    for (const message of all) {
      const key = `${message.channel}/${message.ts}/${message.ephemeralTo ?? ''}`;
      const version = message.history.length;
      const before = seen.get(key);
      if (before === version) continue;
      seen.set(key, version);
      const heading = `[${whereOf(message, names)}] eks-access${before === undefined ? '' : ' (updated)'}:`;
      for (const button of render(heading, message, key)) buttons.set(button.number, { button, message });
    }
  };
  const unsubscribe = slack.onMessagesChanged(() => {
    // The fake calls back while it is still answering the bot; print once that call is done.
    if (options.live !== false && !scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
  return {
    button: (number) => buttons.get(number),
    printResponse(where, body) {
      render(`[${where}] eks-access:`, body);
    },
    flush,
    stop: unsubscribe,
  };
}

function whereOf(message: SlackMessage, names: Readonly<Record<string, string>>): string {
  const channel = names[message.channel] ?? message.channel;
  const place = channel.startsWith('DM ') ? channel : `#${channel}`;
  const thread = message.threadTs !== undefined && message.threadTs !== message.ts ? ', in thread' : '';
  const only = message.ephemeralTo ? `, only @${names[message.ephemeralTo] ?? message.ephemeralTo} sees this` : '';
  return `${place}${thread}${only}`;
}
