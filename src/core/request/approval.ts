import type { PersonId } from '../ids.ts';
import type { Level } from '../levels.ts';
import type { Refusal } from '../refusals.ts';
import type { AccessRequest, Approval } from './request.ts';

/** Members of Slack user groups (S…), resolved by the use case; a group missing here has no members (fail closed). */
export type GroupMembers = Readonly<Record<string, readonly PersonId[]>>;

/** The approval rule of one cluster (and level), as configured. */
export interface ApprovalPolicy {
  /** Slack user ids and user-group ids (S…). */
  approvers: readonly PersonId[];
  requiredApprovals: number;
  /**
   * Default false: the requester may not approve. True lets a requester approve a request they filed for someone
   * else; the subject (the person who would get access) never approves, whoever filed it.
   */
  allowSelfApproval?: boolean;
  groupMembers?: GroupMembers;
}

/** `autoApprove` as configured: levels granted without a person, optionally capped per subject per period. */
export interface AutoApproveRule {
  readonly levels: readonly Level[];
  readonly maxPerPeriod?: { readonly count: number; readonly period: number } | undefined;
}

/** `breakGlass` as configured: who may (user or group ids) and the longest grant (ms). */
export interface BreakGlassRule {
  readonly allowed: readonly string[];
  readonly maxDuration: number;
}

export function isUserGroupId(id: string): boolean {
  return /^S[A-Z0-9]+$/.test(id);
}

/** The user-group ids a list names, for the use case to resolve. */
export function userGroupsIn(ids: readonly string[]): string[] {
  return [...new Set(ids.filter(isUserGroupId))];
}

/** Whether `user` is named directly or is a member of a named group. */
export function isListed(ids: readonly string[], user: PersonId, members: GroupMembers = {}): boolean {
  return ids.some((id) => id === user || (isUserGroupId(id) && (members[id] ?? []).includes(user)));
}

/** Every person a list names, groups expanded, each once (for DMs when there is no approval channel). */
export function peopleIn(ids: readonly string[], members: GroupMembers = {}): PersonId[] {
  const people = ids.flatMap((id) => (isUserGroupId(id) ? (members[id] ?? []) : [id as PersonId]));
  return [...new Set(people)];
}

function isSelf(request: Pick<AccessRequest, 'requester' | 'subject'>, user: PersonId): boolean {
  return user === request.requester || user === request.subject;
}

/**
 * A party to the request who may not decide it: the subject always (nobody approves access for themselves,
 * whoever asked), and the requester unless `allowSelfApproval` is set (which then only helps a requester who
 * asked for someone else, since a requester who asked for themselves is the subject).
 */
export function isBarredParty(
  request: Pick<AccessRequest, 'requester' | 'subject'>,
  user: PersonId,
  policy: Pick<ApprovalPolicy, 'allowSelfApproval'>,
): boolean {
  if (user === request.subject) return true;
  return user === request.requester && policy.allowSelfApproval !== true;
}

/** The configured approvers (users and groups) less the people barred from deciding this request. */
export function approversFor(
  request: Pick<AccessRequest, 'requester' | 'subject'>,
  policy: Pick<ApprovalPolicy, 'approvers' | 'allowSelfApproval'>,
): readonly PersonId[] {
  return policy.approvers.filter((id) => !isBarredParty(request, id, policy));
}

/** Who may click Approve on this request, and why not. */
export function checkApprover(request: AccessRequest, user: PersonId, policy: ApprovalPolicy): Refusal | undefined {
  if (isBarredParty(request, user, policy)) return { code: 'self_approval' };
  if (!isListed(policy.approvers, user, policy.groupMembers)) {
    return { code: 'not_an_approver', approvers: policy.approvers };
  }
  if (request.approvals.some((a) => a.by === user)) return { code: 'already_approved_by_you' };
  return undefined;
}

/** Approvals that still count under the policy in force now (config may have changed since): distinct people only. */
export function validApprovals(request: AccessRequest, policy: ApprovalPolicy): readonly Approval[] {
  const seen = new Set<PersonId>();
  return request.approvals.filter((approval) => {
    const counts =
      isListed(policy.approvers, approval.by, policy.groupMembers) &&
      !isBarredParty(request, approval.by, policy) &&
      !seen.has(approval.by);
    seen.add(approval.by);
    return counts;
  });
}

export function hasQuorum(request: AccessRequest, policy: ApprovalPolicy): boolean {
  return validApprovals(request, policy).length >= policy.requiredApprovals;
}

/** What is left of a subject's automatic approvals in the current rolling period. */
export interface Allowance {
  left: number;
  of: number;
  periodMs: number;
}

export type AutoApproveDecision =
  | { auto: true; allowance?: Allowance }
  | {
      auto: false;
      reason: 'not_a_grant' | 'level_not_auto_approved' | 'for_someone_else' | 'cap_reached';
      allowance?: Allowance;
    };

/**
 * Whether a new request is approved by policy. `usedInPeriod` is how many automatic approvals the subject (the
 * person who gets access) had in the rolling period before this one (the use case counts them atomically);
 * without a cap it is ignored. A request filed for someone else is never approved by policy: a person decides.
 */
export function decideAutoApprove(input: {
  kind: 'grant' | 'migrate' | 'recover';
  isAutoLevel: boolean;
  /** The requester is not the subject. */
  isForSomeoneElse?: boolean;
  cap?: { count: number; periodMs: number } | undefined;
  usedInPeriod: number;
}): AutoApproveDecision {
  if (input.kind !== 'grant') return { auto: false, reason: 'not_a_grant' };
  if (!input.isAutoLevel) return { auto: false, reason: 'level_not_auto_approved' };
  if (input.isForSomeoneElse === true) return { auto: false, reason: 'for_someone_else' };
  if (!input.cap) return { auto: true };
  const { count, periodMs } = input.cap;
  if (input.usedInPeriod >= count) {
    return { auto: false, reason: 'cap_reached', allowance: { left: 0, of: count, periodMs } };
  }
  return { auto: true, allowance: { left: count - input.usedInPeriod - 1, of: count, periodMs } };
}

export type BreakGlassDecision =
  | { allowed: true; durationMs: number; cappedFromMs?: number }
  | {
      allowed: false;
      reason: 'not_configured' | 'not_allowed' | 'needs_reason' | 'only_for_yourself';
    };

/** Default and ceiling of a break-glass grant when the cluster's config gives no `maxDuration`. */
export const BREAK_GLASS_DEFAULT_MAX_MS = 3_600_000;

/**
 * Break-glass: only for yourself, only with a reason, only people the cluster names (directly or through a group),
 * and never longer than the cluster's `breakGlass.maxDuration`; no duration asked means the maximum.
 */
export function decideBreakGlass(input: {
  rule: BreakGlassRule | undefined;
  requester: PersonId;
  subject: PersonId;
  reason: string | undefined;
  requestedMs: number | undefined;
  groupMembers?: GroupMembers;
}): BreakGlassDecision {
  if (!input.rule) return { allowed: false, reason: 'not_configured' };
  if (!isListed(input.rule.allowed, input.requester, input.groupMembers))
    return { allowed: false, reason: 'not_allowed' };
  if (input.subject !== input.requester) return { allowed: false, reason: 'only_for_yourself' };
  if (!input.reason || input.reason.trim() === '') return { allowed: false, reason: 'needs_reason' };
  const maxMs = input.rule.maxDuration > 0 ? input.rule.maxDuration : BREAK_GLASS_DEFAULT_MAX_MS;
  if (input.requestedMs === undefined) return { allowed: true, durationMs: maxMs };
  if (input.requestedMs > maxMs) return { allowed: true, durationMs: maxMs, cappedFromMs: input.requestedMs };
  return { allowed: true, durationMs: input.requestedMs };
}

/** Who may acknowledge a break-glass review: an approver of the cluster, never the person who broke the glass. */
export function checkReviewer(request: AccessRequest, user: PersonId, policy: ApprovalPolicy): Refusal | undefined {
  if (isSelf(request, user)) return { code: 'self_approval' };
  if (!isListed(policy.approvers, user, policy.groupMembers)) {
    return { code: 'not_an_approver', approvers: policy.approvers };
  }
  return undefined;
}
