import { asChannelId, asPersonId, asPrincipalArn, asRequestId } from '../../../../src/core/ids.ts';
import type { ApprovalPolicy } from '../../../../src/core/request/approval.ts';
import type { AccessRequest } from '../../../../src/core/request/request.ts';

export const ALICE = asPersonId('U0ALICE');
export const BOB = asPersonId('U0BOB');
export const CAROL = asPersonId('U0CAROL');
export const DAVE = asPersonId('U0DAVE');

export function pendingRequest(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: asRequestId('R0000000001'),
    version: 1,
    requester: ALICE,
    subject: ALICE,
    principalArn: asPrincipalArn('arn:aws:iam::111122223333:user/alice'),
    cluster: 'prod-cluster',
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
  return { approvers: approvers.map(asPersonId), requiredApprovals };
}
