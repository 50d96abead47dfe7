import type { AccessRequest } from '../request/request.ts';
import type { RequestEvent } from '../request/transitions.ts';

/** The audit types a request's own transitions write (a subset of the audit port's types). */
export type TransitionAuditType =
  | 'approved'
  | 'denied'
  | 'cancelled'
  | 'lapsed'
  | 'granted'
  | 'failed'
  | 'mode_switch'
  | 'break_glass'
  | 'break_glass_acknowledged'
  | 'expired'
  | 'revoked'
  | 'drift';

/** The audit record of one transition, in the audit port's shape. */
export interface TransitionAuditEvent {
  type: TransitionAuditType;
  at: number;
  actor: string;
  requestId: string;
  cluster: string;
  /** Flat strings only; never tokens or credentials. */
  detail?: Record<string, string>;
}

/**
 * What a flow knows about a transition that the event does not carry: the calls a grant made, what drift found
 * missing. `detail` replaces the derived detail as a whole, so the record reads exactly as the flow wrote it.
 */
export interface AuditNote {
  actor?: string;
  detail?: Record<string, string>;
}

/** The service's own name in the audit trail, for changes no person made. */
const SERVICE = 'eks-access';

/**
 * The audit record of `previous → next` by `event`, or undefined for transitions that leave none of their own:
 * `start_apply` (the apply flow records `applying` with the plan it executes) and `review_reminded`.
 */
export function transitionAuditEvent(
  previous: AccessRequest,
  next: AccessRequest,
  event: RequestEvent,
  note: AuditNote = {},
): TransitionAuditEvent | undefined {
  const derived = derive(previous, next, event);
  if (!derived) return undefined;
  const detail = note.detail ?? derived.detail;
  return {
    type: derived.type,
    at: derived.at ?? next.updatedAt,
    actor: note.actor ?? derived.actor,
    requestId: next.id,
    cluster: next.cluster,
    ...(detail ? { detail } : {}),
  };
}

interface Derived {
  type: TransitionAuditType;
  actor: string;
  at?: number;
  detail?: Record<string, string>;
}

function derive(previous: AccessRequest, next: AccessRequest, event: RequestEvent): Derived | undefined {
  switch (event.type) {
    case 'approve':
    case 'deny':
      return {
        type: event.type === 'approve' ? 'approved' : 'denied',
        actor: event.by,
        detail: { status: next.status, approvals: next.approvals.map((a) => a.by).join(',') },
      };
    case 'auto_approve': {
      const allowance = event.info.allowance;
      return {
        type: 'approved',
        actor: 'policy',
        detail: {
          status: next.status,
          rule: `autoApprove ${next.level}`,
          ...(allowance ? { left: `${allowance.left} of ${allowance.of}` } : {}),
        },
      };
    }
    case 'cancel':
      return { type: 'cancelled', actor: event.by, detail: { level: next.level, subject: next.subject } };
    case 'lapse':
      return { type: 'lapsed', actor: SERVICE, detail: { pendingSinceMs: String(next.updatedAt - next.createdAt) } };
    case 'break_glass':
      return {
        type: 'break_glass',
        actor: previous.requester,
        detail: {
          level: next.level,
          reason: (next.reason ?? '').slice(0, 200),
          durationMs: String(next.durationMs ?? 0),
          ...(next.requestedDurationMs ? { cappedFromMs: String(next.requestedDurationMs) } : {}),
        },
      };
    case 'acknowledge_review':
      return {
        type: 'break_glass_acknowledged',
        actor: event.by,
        detail: { breakGlassBy: next.requester, level: next.level },
      };
    case 'mode_update_started':
      // The only switch eks-access makes: CONFIG_MAP has no access entries, the other modes need no switch.
      return {
        type: 'mode_switch',
        actor: SERVICE,
        detail: { from: 'CONFIG_MAP', to: event.update.to, updateId: event.update.id },
      };
    case 'granted':
      return { type: 'granted', actor: SERVICE };
    case 'failed':
      return {
        type: 'failed',
        actor: SERVICE,
        at: event.failure.at,
        detail: { code: event.failure.code, message: event.failure.message },
      };
    case 'ended': {
      const { end } = event;
      const leftForPerson = end.leftForPerson ?? [];
      return {
        type: end.reason,
        actor: end.by ?? (end.reason === 'drift' ? 'reconciler' : SERVICE),
        at: end.at,
        detail: {
          principalArn: next.outcome?.principalArn ?? next.principalArn,
          evidence: end.evidence.join('; '),
          ...(leftForPerson.length > 0 ? { leftForPerson: leftForPerson.join('; ') } : {}),
        },
      };
    }
    case 'start_apply':
    case 'review_reminded':
      return undefined;
  }
}
