import type { PersonId } from '../../../core/ids.ts';
import { asRich, type Icon, type Inline, oneLine, type Text } from '../../../core/messages/rich.ts';

/** The emoji Slack shows for each neutral status mark. */
const ICON_EMOJI: Record<Icon, string> = {
  ok: ':white_check_mark:',
  failed: ':x:',
  denied: ':no_entry:',
  working: ':hourglass_flowing_sand:',
  expired: ':hourglass:',
  warning: ':warning:',
  locked: ':lock:',
  unlocked: ':unlock:',
  cancelled: ':heavy_multiplication_x:',
  lapsed: ':zzz:',
  automatic: ':robot_face:',
  notice: ':envelope:',
  checking: ':mag:',
  info: ':information_source:',
  unknown: ':grey_question:',
  'break-glass': ':rotating_light:',
  reminder: ':alarm_clock:',
  nudge: ':bell:',
};

/**
 * Rich text → Slack mrkdwn (https://docs.slack.dev/messaging/formatting-message-text). Program text is sent as it
 * is; what a person typed is escaped so it cannot mention, link or format anything.
 */
export function mrkdwn(text: Text): string {
  return asRich(text)
    .map((inline) => mrkdwnInline(inline))
    .join('');
}

/**
 * Neutralises text a person typed before it is quoted in mrkdwn: `&`, `<` and `>` are escaped (so `<!channel>` or
 * `<@U…>` cannot ping anyone), formatting characters are made inert, and line breaks are flattened so a reason
 * cannot forge extra lines in a card.
 */
export function escapeUserText(input: string, max: number): string {
  return escapeAngles(oneLine(input, max)).replace(/([*_~`])/g, '\u200b$1\u200b');
}

/** A person as Slack mentions them: a user (U…/W…), a user group (S…), or the id as inert text. */
export function mention(id: PersonId | string): string {
  if (/^S[A-Z0-9]+$/.test(id)) return `<!subteam^${id}>`;
  return /^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : escapeUserText(id, 40);
}

function codeSpan(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``;
}

/** Slack's three control characters. */
export function escapeAngles(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A fenced block: no fence inside it; `foreign` lines are escaped too. */
export function codeBlock(lines: readonly string[], foreign: boolean): string {
  const body = lines.join('\n');
  return `\`\`\`${(foreign ? escapeAngles(body) : body).replace(/`/g, "'")}\`\`\``;
}

function mrkdwnInline(inline: Inline): string {
  if (typeof inline === 'string') return inline;
  switch (inline.kind) {
    case 'strong':
      return `*${mrkdwn(inline.text)}*`;
    case 'em':
      return `_${inline.text}_`;
    case 'code':
      return codeSpan(inline.foreign ? escapeAngles(inline.text) : inline.text);
    case 'cluster':
      return codeSpan(inline.name);
    case 'person':
      return mention(inline.id);
    case 'said':
      return escapeUserText(inline.text, inline.max);
    case 'icon':
      return ICON_EMOJI[inline.icon];
    case 'place':
      return `<#${inline.id}>`;
    case 'link':
      return `<${inline.url}|${inline.text}>`;
    case 'everyone':
      return '<!here>';
  }
}
