import type { PersonId } from '../../core/ids.ts';
import type { Subject } from '../../core/intent/intent.ts';
import { unknownNameReply } from '../../core/messages/for-others-messages.ts';
import type { Message } from '../../core/messages/message.ts';
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
  return {
    reply: unknownNameReply(subject.name, found.length),
    reason: found.length === 0 ? 'unknown_name' : 'ambiguous_name',
  };
}
