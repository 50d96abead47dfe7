import type { PersonId } from '../../core/ids.ts';
import type { Message } from '../../core/messages/message.ts';
import {
  nothingToRevokeReply,
  revokeChoiceReply,
  whichClusterToRevokeReply,
} from '../../core/messages/revoke-choice.ts';
import type { ResolveIdentityDeps } from '../identity/resolve-identity.ts';
import type { EndDeps } from './end-grant.ts';
import { revokeAccess } from './revoke-access.ts';

/**
 * "revoke" / "I'm done" with no cluster named. The person's own active grants decide: none is said plainly, exactly
 * one is ended as if its cluster had been named, several are offered as buttons so nothing is ended on a guess.
 */
export async function revokeUnnamed(
  deps: EndDeps & ResolveIdentityDeps,
  input: { by: PersonId; subject: PersonId; askedIn?: { channel: string; threadTs?: string } },
): Promise<Message | undefined> {
  const isSelf = input.by === input.subject;
  // Someone else's grants are named only to the cluster's approvers (as in "who has access"), so the cluster is
  // asked for first: the approver check then runs on it before anything about that person is said.
  if (!isSelf) return whichClusterToRevokeReply(input.subject);
  const active = (await deps.store.listForUser(input.subject, 50)).filter(
    (r) => r.subject === input.subject && r.status === 'granted',
  );
  const [only] = active;
  if (only === undefined) return nothingToRevokeReply(input.subject, isSelf);
  if (active.length === 1) return await revokeAccess(deps, { ...input, clusterGiven: only.cluster });
  return revokeChoiceReply(input.subject, isSelf, active, deps.clock.now());
}
