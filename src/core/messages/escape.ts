import { USER_TEXT_MAX } from './rich.ts';

/*
 * Slack mrkdwn written as strings: left only for text that is stored as a string (entry-precedence notes). Messages
 * built in core/messages use rich.ts instead, and the Slack adapter renders them; use cases use neither (a unit test,
 * test/unit/usecases/no-chat-markup.test.ts, keeps chat markup out of them).
 */

/**
 * Neutralises text a person typed before it is quoted in mrkdwn: `&`, `<` and `>` are escaped
 * (so `<!channel>` or `<@U…>` cannot ping anyone), formatting characters are made inert, and
 * line breaks are flattened so a reason cannot forge extra lines in a card.
 */
export function escapeUserText(input: string, max = USER_TEXT_MAX): string {
  const flat = input.replace(/[\r\n\t]+/g, ' ').trim();
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return cut
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([*_~`])/g, '\u200b$1\u200b');
}

export function mention(userId: string): string {
  // Approver lists may name Slack user groups (S…), which Slack mentions as <!subteam^ID>.
  if (/^S[A-Z0-9]+$/.test(userId)) return `<!subteam^${userId}>`;
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeUserText(userId, 40);
}

export function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``;
}
