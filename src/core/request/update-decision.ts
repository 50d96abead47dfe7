import { type AuditNote, type TransitionAuditEvent, transitionAuditEvent } from '../audit/transition-event.ts';
import type { Refusal } from '../refusals.ts';
import type { AccessRequest } from './request.ts';
import { type RequestEvent, transition } from './transitions.ts';

/**
 * What a flow decides about a stored request as it stands: the event to apply (with what the audit record needs
 * beyond the event, or `'none'` when the caller still writes that record itself), a refusal, or no change.
 */
export type UpdateDecision =
  | { event: RequestEvent; audit?: AuditNote | 'none' }
  | { refusal: Refusal }
  | { keep: true };

/** What the store writes for a decision: the next request and its audit record together, or nothing. */
export type UpdatePlan =
  | { kind: 'write'; next: AccessRequest; audit?: TransitionAuditEvent }
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'keep' };

/** Runs the decision through the state machine and derives the transition's audit record. */
export function planUpdate(current: AccessRequest, decision: UpdateDecision): UpdatePlan {
  if ('keep' in decision) return { kind: 'keep' };
  if ('refusal' in decision) return { kind: 'refused', refusal: decision.refusal };
  const result = transition(current, decision.event);
  if (!result.ok) return { kind: 'refused', refusal: result.refusal };
  const audit =
    decision.audit === 'none' ? undefined : transitionAuditEvent(current, result.next, decision.event, decision.audit);
  return { kind: 'write', next: result.next, ...(audit ? { audit } : {}) };
}
