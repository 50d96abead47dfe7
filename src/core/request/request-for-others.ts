import type { PersonId } from '../ids.ts';
import type { Refusal } from '../refusals.ts';
import { type GroupMembers, isListed } from './approval.ts';

/** Why a request may be filed: for yourself, or for someone else as an approver or as a listed person. */
export type RequestForOthersDecision =
  | { allowed: true; via: 'self' | 'approver' | 'listed' }
  | { allowed: false; refusal: Refusal };

/**
 * May `requester` ask for access that `subject` would receive? Anyone may ask for themselves. Asking for someone
 * else is for the cluster's approvers and the people (or user groups) the config lists under `requestForOthers`;
 * anyone else is refused, so nobody receives access they did not ask for unless a trusted person asked.
 * Group members arrive resolved; a group missing from `groupMembers` has no members (fail closed).
 */
export function decideRequestForOthers(input: {
  requester: PersonId;
  subject: PersonId;
  cluster: string;
  approvers: readonly string[];
  listed: readonly string[];
  groupMembers?: GroupMembers;
}): RequestForOthersDecision {
  if (input.requester === input.subject) return { allowed: true, via: 'self' };
  if (isListed(input.approvers, input.requester, input.groupMembers)) return { allowed: true, via: 'approver' };
  if (isListed(input.listed, input.requester, input.groupMembers)) return { allowed: true, via: 'listed' };
  return {
    allowed: false,
    refusal: {
      code: 'request_for_others_not_allowed',
      cluster: input.cluster,
      subject: input.subject,
      approvers: input.approvers,
      listed: input.listed,
    },
  };
}
