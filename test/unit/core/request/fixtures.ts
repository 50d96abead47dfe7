import { asChannelId, asClusterName, asPrincipalArn, asRequestId, asSlackUserId } from '../../../../src/core/ids.ts';
import type { ApprovalPolicy } from '../../../../src/core/request/approval.ts';
import type { AccessRequest } from '../../../../src/core/request/request.ts';

export const ALICE = asSlackUserId('U0ALICE');
export const BOB = asSlackUserId('U0BOB');
export const CAROL = asSlackUserId('U0CAROL');
export const DAVE = asSlackUserId('U0DAVE');

export function pendingRequest(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: asRequestId('R0000000001'),
    version: 1,
    requester: ALICE,
    subject: ALICE,
    principalArn: asPrincipalArn('arn:aws:iam::111122223333:user/alice'),
    cluster: asClusterName('prod-cluster'),
    level: 'view',
    namespaces: [],
    status: 'pending',
    approvals: [],
    channel: asChannelId('C0REQUESTS'),
    threadTs: '1700000000.000100',
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

export function policy(approvers: string[], requiredApprovals = 1): ApprovalPolicy {
  return { approvers: approvers.map(asSlackUserId), requiredApprovals };
}
