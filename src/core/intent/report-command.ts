import { type MessagePart, plainText, withoutLeadingPerson } from './message-text.ts';

/** Read-only questions only a cluster's approvers may ask: its audit trail, and who can get in. */
export type ReportCommand = { kind: 'audit'; cluster: string } | { kind: 'who_has_access'; cluster: string };

const NAME = '([A-Za-z0-9][A-Za-z0-9_-]{0,99})';
const AUDIT = new RegExp(`^\\s*audit\\s+(?:(?:log|trail)\\s+(?:of|for)\\s+)?(?:cluster\\s+)?${NAME}\\s*$`, 'i');
const WHO = new RegExp(
  `^\\s*who\\s+(?:has|have|can)\\s+(?:got\\s+)?access\\s+(?:to|on|in|into)?\\s*(?:cluster\\s+)?${NAME}\\s*\\??\\s*$`,
  'i',
);

/** `audit prod-cluster`, `who has access to prod-cluster?` (after the bot mention is removed). */
export function parseReportCommand(message: readonly MessagePart[]): ReportCommand | undefined {
  const text = plainText(withoutLeadingPerson(message));
  if (text.length > 300) return undefined;
  const audit = AUDIT.exec(text);
  if (audit?.[1]) return { kind: 'audit', cluster: audit[1] };
  const who = WHO.exec(text);
  if (who?.[1]) return { kind: 'who_has_access', cluster: who[1] };
  return undefined;
}
