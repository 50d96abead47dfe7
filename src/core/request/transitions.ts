import type { PersonId } from '../ids.ts';
import type { Level } from '../levels.ts';
import type { Refusal } from '../refusals.ts';
import { type ApprovalPolicy, checkApprover, hasQuorum } from './approval.ts';
import type {
  AccessRequest,
  AutoApprovalInfo,
  BreakGlassInfo,
  EndInfo,
  FailureInfo,
  GrantOutcome,
  PreState,
} from './request.ts';
import { checkStepUp } from './step-up.ts';

export type RequestEvent =
  | {
      type: 'approve';
      by: PersonId;
      at: number;
      policy: ApprovalPolicy;
      /** The cluster's `stepUpLevels` (default: cluster-admin). */
      stepUpLevels?: readonly Level[];
      /** The cluster name the approver typed in the step-up modal; required for a step-up level. */
      confirmedCluster?: string;
    }
  | { type: 'deny'; by: PersonId; at: number; policy: ApprovalPolicy; reason?: string }
  | { type: 'start_apply'; at: number; preState: PreState }
  | { type: 'mode_update_started'; at: number; update: { id: string; to: string } }
  | { type: 'granted'; at: number; outcome: GrantOutcome }
  | { type: 'ended'; at: number; end: EndInfo }
  | { type: 'failed'; at: number; failure: FailureInfo }
  | { type: 'cancel'; by: PersonId; at: number }
  | { type: 'lapse'; at: number }
  | { type: 'auto_approve'; at: number; info: AutoApprovalInfo }
  | { type: 'break_glass'; at: number; info: BreakGlassInfo }
  | { type: 'acknowledge_review'; at: number; by: PersonId }
  | { type: 'review_reminded'; at: number };

export type TransitionResult = { ok: true; next: AccessRequest } | { ok: false; refusal: Refusal };

/**
 * pending → approved → applying → granted | failed; pending → denied | cancelled (by the requester or the
 * subject) | lapsed.
 * Pure: `RequestStore.update` stores `next` with a compare-and-set on `version` (and the transition's audit event,
 * from core/audit/transition-event.ts, in the same write), so concurrent clicks serialise.
 */
export function transition(request: AccessRequest, event: RequestEvent): TransitionResult {
  switch (event.type) {
    case 'approve':
    case 'deny': {
      if (request.status !== 'pending') return refused({ code: 'already_decided', status: request.status });
      const refusal = checkApprover(request, event.by, event.policy);
      if (refusal) return refused(refusal);
      if (event.type === 'deny') {
        const denial = { by: event.by, at: event.at, ...(event.reason ? { reason: event.reason } : {}) };
        return advanced(request, { status: 'denied', denial }, event.at);
      }
      // Checked here, not only where the modal is opened: an edited payload cannot skip the step-up.
      const stepUp = checkStepUp(request, event.stepUpLevels, event.confirmedCluster);
      if (stepUp) return refused(stepUp);
      const approvals = [...request.approvals, { by: event.by, at: event.at }];
      const withApproval = { ...request, approvals };
      const status = hasQuorum(withApproval, event.policy) ? 'approved' : 'pending';
      return advanced(request, { approvals, status }, event.at);
    }
    case 'start_apply':
      // A worker that crashed mid-apply resumes a request already in `applying` without a new transition.
      if (request.status === 'approved') {
        return advanced(request, { status: 'applying', preState: event.preState }, event.at);
      }
      return refused({ code: 'already_decided', status: request.status });
    case 'mode_update_started':
      if (request.status !== 'applying') return refused({ code: 'already_decided', status: request.status });
      return advanced(request, { modeUpdate: { ...event.update, startedAt: event.at } }, event.at);
    case 'granted':
      if (request.status !== 'applying') return refused({ code: 'already_decided', status: request.status });
      return advanced(request, { status: 'granted', outcome: event.outcome }, event.at);
    case 'ended':
      if (request.status !== 'granted') return refused({ code: 'already_decided', status: request.status });
      return advanced(
        request,
        { status: event.end.reason === 'drift' ? 'revoked' : event.end.reason, ended: event.end },
        event.at,
      );
    case 'cancel':
      if (request.status !== 'pending') return refused({ code: 'already_decided', status: request.status });
      // The requester withdraws; the person it is for may refuse access they did not ask for.
      if (event.by !== request.requester && event.by !== request.subject) {
        const forOther = request.subject !== request.requester ? { subject: request.subject } : {};
        return refused({ code: 'not_the_requester', requester: request.requester, ...forOther });
      }
      return advanced(request, { status: 'cancelled', cancelled: { by: event.by, at: event.at } }, event.at);
    case 'lapse':
      if (request.status !== 'pending') return refused({ code: 'already_decided', status: request.status });
      return advanced(request, { status: 'lapsed', lapsedAt: event.at }, event.at);
    case 'failed':
      if (request.status !== 'applying' && request.status !== 'approved') {
        return refused({ code: 'already_decided', status: request.status });
      }
      return advanced(request, { status: 'failed', failure: event.failure }, event.at);
    case 'auto_approve':
      if (request.status !== 'pending') return refused({ code: 'already_decided', status: request.status });
      return advanced(request, { status: 'approved', autoApproval: event.info }, event.at);
    case 'break_glass':
      if (request.status !== 'pending') return refused({ code: 'already_decided', status: request.status });
      return advanced(request, { status: 'approved', breakGlass: event.info }, event.at);
    case 'acknowledge_review':
    case 'review_reminded': {
      // The review outlives the grant: it can be acknowledged while applying, granted or after the end.
      const glass = request.breakGlass;
      if (!glass) return refused({ code: 'not_break_glass' });
      if (glass.acknowledged) return refused({ code: 'review_already_acknowledged', by: glass.acknowledged.by });
      const breakGlass =
        event.type === 'acknowledge_review'
          ? { ...glass, acknowledged: { by: event.by, at: event.at } }
          : { ...glass, reminders: (glass.reminders ?? 0) + 1 };
      return advanced(request, { breakGlass }, event.at);
    }
  }
}

function advanced(request: AccessRequest, change: Partial<AccessRequest>, at: number): TransitionResult {
  return { ok: true, next: { ...request, ...change, version: request.version + 1, updatedAt: at } };
}

function refused(refusal: Refusal): TransitionResult {
  return { ok: false, refusal };
}
