import type { AccessRequest } from '../request/request.ts';
import type { Message } from './message.ts';
import { extendButton } from './request-messages.ts';
import { cluster, code, icon, person, place, rich, strong } from './rich.ts';

/**
 * Reminder `n` to an approver who has not acted on a pending request. `approvalChannel`: the cluster's approval
 * channel, where the card is; without one the card was sent to the approver's DM, above this reminder.
 */
export function approverReminder(request: AccessRequest, n: number, approvalChannel?: string): Message {
  const where = approvalChannel ? rich` in ${place(approvalChannel)}` : ' (the card is in this DM above)';
  const text = rich`${icon('nudge')} Reminder ${n}: request ${code(request.id)} from ${person(request.requester)} for ${strong(request.level)} on ${cluster(request.cluster)} is still waiting for your decision${where}.`;
  return { text, parts: [{ kind: 'text', text }], requestId: request.id };
}

/** Shortly before a grant ends, in its thread and the person's DM, with Extend. */
export function expiryReminder(request: AccessRequest, minutes: number): Message {
  const text = rich`${icon('reminder')} ${person(request.subject)}'s ${request.level} access to ${cluster(request.cluster)} ends in about ${minutes} min. Extend asks for the same access again, under the same approval rules.`;
  return { text, parts: [{ kind: 'text', text }, extendButton(request)], requestId: request.id };
}
