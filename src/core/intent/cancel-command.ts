import { type MessagePart, plainText, withoutLeadingPerson } from './message-text.ts';

/** "cancel my request on prod-cluster", `/eks cancel prod-cluster`: withdraw one's own pending request there. */
export interface CancelCommand {
  kind: 'cancel';
  /** Absent for a bare "cancel" / "cancel my request": the person's pending requests decide. */
  cluster?: string;
}

// "access", "grant" or "revoke" wording never matches: "cancel my access to prod" stays a revoke.
const CANCEL =
  /^\s*cancel\s+(?:my\s+)?(?:pending\s+)?(?:requests?\s+)?(?:(?:on|for|to|in|at)\s+)?(?:the\s+)?(?:cluster\s+)?([A-Za-z0-9][A-Za-z0-9_-]{0,99})(?:\s+cluster)?\s*[.!]?\s*$/i;
// A bare "cancel" is about a pending request, never an active grant: without this it would read as a revoke.
const BARE = /^\s*cancel(?:\s+(?:it|that|this))?(?:\s+my)?(?:\s+pending)?(?:\s+requests?)?\s*[.!]?\s*$/i;

/** Read after a leading mention of the bot. */
export function parseCancelCommand(message: readonly MessagePart[]): CancelCommand | undefined {
  const text = plainText(withoutLeadingPerson(message));
  if (text.length > 300) return undefined;
  if (BARE.test(text)) return { kind: 'cancel' };
  const match = CANCEL.exec(text);
  const cluster = match?.[1];
  if (!cluster || /^(?:my|request|requests|pending|access)$/i.test(cluster)) return undefined;
  return { kind: 'cancel', cluster };
}
