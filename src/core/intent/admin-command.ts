import type { PersonId } from '../ids.ts';
import { type MessagePart, plainText, withoutLeadingPerson } from './message-text.ts';

/** Commands only approvers act on: a one-way mode migration, and recovery of a locked-out cluster. */
export type AdminCommand =
  | { kind: 'migrate'; cluster: string }
  | { kind: 'recover'; cluster: string; subject: PersonId }
  | { kind: 'recover_needs_subject'; cluster: string };

const NAME = '([A-Za-z0-9][A-Za-z0-9_-]{0,99})';
const MIGRATE = new RegExp(`^\\s*migrate\\s+(?:cluster\\s+)?${NAME}\\s*$`, 'i');
const RECOVER = new RegExp(`^\\s*recover\\s+(?:cluster\\s+)?${NAME}\\s*$`, 'i');
/** The text before the mentioned person in `recover prod-cluster for @alice`. */
const RECOVER_FOR = new RegExp(`^\\s*recover\\s+(?:cluster\\s+)?${NAME}\\s+for\\s+$`, 'i');

/**
 * `migrate prod-cluster`, `recover prod-cluster for @alice` (after a leading mention of the bot). The person to
 * recover for must be a mention the chat linked: a plain-text `@alice` is not an identity.
 */
export function parseAdminCommand(message: readonly MessagePart[]): AdminCommand | undefined {
  const parts = withoutLeadingPerson(message);
  const text = plainText(parts);
  if (text.length > 300) return undefined;
  const migrate = MIGRATE.exec(text);
  if (migrate?.[1]) return { kind: 'migrate', cluster: migrate[1] };
  const people = parts.filter((part) => part.kind === 'person');
  const person = people[0];
  if (person === undefined) {
    const recover = RECOVER.exec(text);
    return recover?.[1] ? { kind: 'recover_needs_subject', cluster: recover[1] } : undefined;
  }
  const at = parts.indexOf(person);
  if (people.length > 1 || !/^\s*$/.test(plainText(parts.slice(at + 1)))) return undefined;
  const recover = RECOVER_FOR.exec(plainText(parts.slice(0, at)));
  return recover?.[1] ? { kind: 'recover', cluster: recover[1], subject: person.id } : undefined;
}
