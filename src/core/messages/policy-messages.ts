import { utcMinute } from '../access/time-left.ts';
import { formatDuration } from '../intent/duration.ts';
import type { Allowance } from '../request/approval.ts';
import type { AccessRequest } from '../request/request.ts';
import { ACTIONS, type Message, type MessagePart } from './message.ts';
import { cluster, code, everyone, icon, join, person, type Rich, rich, said, strong } from './rich.ts';

const DAY_MS = 86_400_000;

/** "today" for a one-day period, "this week" for seven days, else "in any 12h". */
function periodWords(periodMs: number): string {
  if (periodMs === DAY_MS) return 'today';
  if (periodMs === 7 * DAY_MS) return 'this week';
  return `in any ${formatDuration(periodMs)}`;
}

/** "3 of 5 automatic approvals left today". */
export function allowanceText(allowance: Allowance): string {
  return `${allowance.left} of ${allowance.of} automatic approvals left ${periodWords(allowance.periodMs)}`;
}

function what(request: AccessRequest): Rich {
  const scope =
    request.namespaces.length === 0 ? 'whole cluster' : rich`namespaces ${join(request.namespaces.map(code), ', ')}`;
  const duration = request.durationMs ? `, ${formatDuration(request.durationMs)}` : '';
  return rich`${strong(request.level)} on ${cluster(request.cluster)} for ${person(request.subject)} (${scope}${duration})`;
}

/** The requester's thread, and the card's note, when the cluster's policy approved the request. */
export function autoApprovedReply(request: AccessRequest): Message {
  const left = request.autoApproval?.allowance ? ` ${allowanceText(request.autoApproval.allowance)}.` : '';
  const text = rich`Request ${code(request.id)}: ${what(request)}. ${icon('automatic')} Approved by policy (automatic approval for ${request.level} on ${cluster(request.cluster)}); applying now.${left}`;
  return { text, parts: [{ kind: 'text', text }], requestId: request.id };
}

/** Appended to the usual "waiting for approval" reply when the automatic-approval cap is used up. */
export function capReachedNote(allowance: Allowance): string {
  return `No automatic approval this time: ${allowanceText(allowance)} (all ${allowance.of} used), so a person must approve.`;
}

function untilText(request: AccessRequest): string {
  const end =
    request.outcome?.expiresAt ?? (request.breakGlass ? request.breakGlass.at + (request.durationMs ?? 0) : undefined);
  if (end === undefined) return 'unknown';
  return `${utcMinute(end)}${request.outcome?.expiresAt ? '' : ' (about; counted from the verified grant)'}`;
}

/** The loud card in the approval channel: who, what, why and until when, with the post-hoc review button. */
export function breakGlassCard(request: AccessRequest): Message {
  const head = `BREAK-GLASS: ${request.level} on ${request.cluster}`;
  const ack = request.breakGlass?.acknowledged;
  const parts: MessagePart[] = [
    { kind: 'header', text: `🚨 ${head}` },
    {
      kind: 'text',
      text: rich`${everyone} ${person(request.requester)} broke glass: ${what(request)}, granted at once without approval.`,
    },
    {
      kind: 'fields',
      fields: [
        { label: 'Who', value: [person(request.requester)] },
        { label: 'What', value: rich`${request.level} on ${cluster(request.cluster)}` },
        { label: 'Why', value: request.reason ? [said(request.reason)] : '—' },
        { label: 'Until', value: untilText(request) },
        { label: 'Status', value: request.status },
        { label: 'Request', value: [code(request.id)] },
      ],
    },
  ];
  if (ack) {
    parts.push({ kind: 'text', text: rich`${icon('ok')} Review acknowledged by ${person(ack.by)}.` });
  } else {
    parts.push({ kind: 'context', text: 'Needs a post-hoc review: an approver of this cluster acknowledges it.' });
    parts.push({
      kind: 'buttons',
      buttons: [
        { action: ACTIONS.acknowledgeReview, label: 'Acknowledge review', value: request.id, style: 'primary' },
      ],
    });
  }
  return { text: rich`${head} by ${request.requester}`, parts, requestId: request.id };
}

/** The requester's thread after breaking glass. */
export function breakGlassReply(request: AccessRequest, cappedFromMs?: number): Message {
  const capped = cappedFromMs ? ` (capped from ${formatDuration(cappedFromMs)}: the break-glass maximum here)` : '';
  const text = rich`${icon('break-glass')} Break-glass ${code(request.id)}: ${what(request)}${capped}. Granting now without approval; this is announced to the approvers and needs their post-hoc review.`;
  return { text, parts: [{ kind: 'text', text }], requestId: request.id };
}

/** The daily reminder in the break-glass card's thread. */
export function reviewReminder(request: AccessRequest): Message {
  const text = rich`${icon('reminder')} Break-glass ${code(request.id)} by ${person(request.requester)} (${request.level} on ${cluster(request.cluster)}) still needs its post-hoc review. An approver: press ${strong('Acknowledge review')} on the card.`;
  return { text, parts: [{ kind: 'text', text }], requestId: request.id };
}

/** Posted in the card's thread when an approver acknowledges. */
export function reviewAcknowledgedReply(request: AccessRequest): Message {
  const by = request.breakGlass?.acknowledged?.by ?? '';
  const text = rich`${icon('ok')} ${person(by)} acknowledged the review of break-glass ${code(request.id)}.`;
  return { text, parts: [{ kind: 'text', text }], requestId: request.id };
}
