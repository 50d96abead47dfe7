import type { SlackUserId } from '../ids.ts';
import type { Refusal } from '../refusals.ts';
import type { AccessRequest, Approval } from './request.ts';

/** The approval rule of one cluster, as configured. */
export interface ApprovalPolicy {
  approvers: readonly SlackUserId[];
  requiredApprovals: number;
}

/** Who may click Approve on this request, and why not. */
export function checkApprover(request: AccessRequest, user: SlackUserId, policy: ApprovalPolicy): Refusal | undefined {
  if (user === request.requester || user === request.subject) return { code: 'self_approval' };
  if (!policy.approvers.includes(user)) return { code: 'not_an_approver', approvers: policy.approvers };
  if (request.approvals.some((a) => a.by === user)) return { code: 'already_approved_by_you' };
  return undefined;
}

/** Approvals that still count under the policy in force now (config may have changed since). */
export function validApprovals(request: AccessRequest, policy: ApprovalPolicy): readonly Approval[] {
  const seen = new Set<SlackUserId>();
  return request.approvals.filter((approval) => {
    const counts =
      policy.approvers.includes(approval.by) &&
      approval.by !== request.requester &&
      approval.by !== request.subject &&
      !seen.has(approval.by);
    seen.add(approval.by);
    return counts;
  });
}

export function hasQuorum(request: AccessRequest, policy: ApprovalPolicy): boolean {
  return validApprovals(request, policy).length >= policy.requiredApprovals;
}
