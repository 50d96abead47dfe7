import { decodeSlackText } from './slack-text.ts';

/** Commands only approvers act on: a one-way mode migration, and recovery of a locked-out cluster. */
export type AdminCommand =
  | { kind: 'migrate'; cluster: string }
  | { kind: 'recover'; cluster: string; subject: string }
  | { kind: 'recover_needs_subject'; cluster: string };

const MIGRATE = /^\s*migrate\s+(?:cluster\s+)?([A-Za-z0-9][A-Za-z0-9_-]{0,99})\s*$/i;
const RECOVER =
  /^\s*recover\s+(?:cluster\s+)?([A-Za-z0-9][A-Za-z0-9_-]{0,99})(?:\s+for\s+<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>)?\s*$/i;

/** `migrate prod-cluster`, `recover prod-cluster for @alice` (after the bot mention is removed). */
export function parseAdminCommand(raw: string): AdminCommand | undefined {
  const text = raw.replace(/^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>\s*/, '');
  if (text.length > 300) return undefined;
  const migrate = MIGRATE.exec(decodeSlackText(text));
  if (migrate?.[1]) return { kind: 'migrate', cluster: migrate[1] };
  const recover = RECOVER.exec(text);
  if (!recover?.[1]) return undefined;
  return recover[2]
    ? { kind: 'recover', cluster: recover[1], subject: recover[2] }
    : { kind: 'recover_needs_subject', cluster: recover[1] };
}
