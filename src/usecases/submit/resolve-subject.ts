import type { PersonId } from '../../core/ids.ts';
import type { Subject } from '../../core/intent/intent.ts';
import type { Message } from '../../core/messages/message.ts';
import { plainReply } from '../../core/messages/request-messages.ts';
import type { Deps } from '../ports/deps.ts';

/**
 * The Slack user a request or revoke is for. A plain-text `@name` (Slack did not link it) is looked up in the
 * workspace member list: exactly one match is that person; none or several is answered, never guessed.
 */
export async function resolveSubject(
  deps: Pick<Deps, 'people'>,
  subject: Subject,
  writer: PersonId,
): Promise<{ userId: PersonId } | { reply: Message; reason: string }> {
  if (subject.kind === 'self') return { userId: writer };
  if (subject.kind === 'user') return { userId: subject.userId };
  const found = await deps.people.findByName(subject.name);
  const [only] = found;
  if (only !== undefined && found.length === 1) return { userId: only };
  const name = `@${subject.name}`;
  const text =
    found.length === 0
      ? `I couldn't find ${name} — mention them so Slack links the name.`
      : `${name} matches several people — mention them so Slack links the name.`;
  return { reply: plainReply(text), reason: found.length === 0 ? 'unknown_name' : 'ambiguous_name' };
}
