import { describe, expect, it } from 'vitest';
import { transitionAuditEvent } from '../../../../src/core/audit/transition-event.ts';
import { asPrincipalArn } from '../../../../src/core/ids.ts';
import type { AccessRequest } from '../../../../src/core/request/request.ts';
import { type RequestEvent, transition } from '../../../../src/core/request/transitions.ts';
import { planUpdate } from '../../../../src/core/request/update-decision.ts';
import { ALICE, BOB, pendingRequest, policy } from '../request/fixtures.ts';

function auditOf(request: AccessRequest, event: RequestEvent, note?: Parameters<typeof transitionAuditEvent>[3]) {
  const result = transition(request, event);
  if (!result.ok) throw new Error(result.refusal.code);
  return transitionAuditEvent(request, result.next, event, note);
}

const grantOutcome = {
  principalArn: asPrincipalArn('arn:aws:iam::111122223333:user/alice'),
  policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
  hadEntryBefore: false,
  hadPolicyBefore: false,
  verifiedAt: 1_500,
};
const granted = pendingRequest({ status: 'granted', outcome: grantOutcome });
const base = { requestId: 'R0000000001', cluster: 'prod-cluster' };

describe('the audit event of a transition', () => {
  it('names the approver and the quorum state of an approval, as the review flow wrote it', () => {
    expect(auditOf(pendingRequest(), { type: 'approve', by: BOB, at: 2_000, policy: policy([BOB]) })).toEqual({
      ...base,
      type: 'approved',
      at: 2_000,
      actor: BOB,
      detail: { status: 'approved', approvals: BOB },
    });
  });

  it('records an automatic approval under the actor `policy` with the allowance left', () => {
    const event: RequestEvent = {
      type: 'auto_approve',
      at: 2_000,
      info: { at: 2_000, allowance: { left: 2, of: 5, periodMs: 1 } },
    };
    expect(auditOf(pendingRequest(), event)).toEqual({
      ...base,
      type: 'approved',
      at: 2_000,
      actor: 'policy',
      detail: { status: 'approved', rule: 'autoApprove view', left: '2 of 5' },
    });
  });

  it('derives lapse, cancel, failure and end records from the request and the event', () => {
    expect(auditOf(pendingRequest(), { type: 'lapse', at: 4_000 })).toMatchObject({
      type: 'lapsed',
      actor: 'eks-access',
      detail: { pendingSinceMs: '3000' },
    });
    expect(auditOf(pendingRequest(), { type: 'cancel', by: ALICE, at: 4_000 })).toMatchObject({
      type: 'cancelled',
      actor: ALICE,
      detail: { level: 'view', subject: ALICE },
    });
    const failure = { code: 'aws_denied', message: 'AWS said no', at: 4_500 };
    expect(auditOf(pendingRequest({ status: 'applying' }), { type: 'failed', at: 4_500, failure })).toMatchObject({
      type: 'failed',
      at: 4_500,
      detail: { code: 'aws_denied', message: 'AWS said no' },
    });
    const end = { reason: 'revoked' as const, by: BOB, at: 5_000, evidence: ['entry removed', 'policy removed'] };
    expect(auditOf(granted, { type: 'ended', at: 5_000, end })).toEqual({
      ...base,
      type: 'revoked',
      at: 5_000,
      actor: BOB,
      detail: { principalArn: 'arn:aws:iam::111122223333:user/alice', evidence: 'entry removed; policy removed' },
    });
    expect(
      auditOf(granted, { type: 'ended', at: 5_000, end: { reason: 'drift', at: 5_000, evidence: [] } }),
    ).toMatchObject({ type: 'drift', actor: 'reconciler' });
  });

  it('takes the detail a flow adds in place of the derived one, and leaves none for start_apply', () => {
    const outcome = { ...grantOutcome, verifiedAt: 3_000 };
    const applying = pendingRequest({ status: 'applying' });
    expect(
      auditOf(applying, { type: 'granted', at: 3_000, outcome }, { detail: { calls: 'eks:CreateAccessEntry' } }),
    ).toEqual({
      ...base,
      type: 'granted',
      at: 3_000,
      actor: 'eks-access',
      detail: { calls: 'eks:CreateAccessEntry' },
    });
    const approved = pendingRequest({ status: 'approved' });
    const start: RequestEvent = {
      type: 'start_apply',
      at: 3_000,
      preState: { hadEntryBefore: false, hadPolicyBefore: false },
    };
    expect(auditOf(approved, start)).toBeUndefined();
  });
});

describe('planUpdate', () => {
  it('writes the next request with its audit event, or nothing on a refusal, a state-machine refusal or keep', () => {
    const request = pendingRequest();
    const approve: RequestEvent = { type: 'approve', by: BOB, at: 2_000, policy: policy([BOB]) };

    expect(planUpdate(request, { event: approve })).toMatchObject({
      kind: 'write',
      next: { status: 'approved', version: 2 },
      audit: { type: 'approved', actor: BOB },
    });
    expect(planUpdate(request, { event: approve, audit: 'none' })).not.toHaveProperty('audit');
    expect(planUpdate(request, { refusal: { code: 'stale_card' } })).toEqual({
      kind: 'refused',
      refusal: { code: 'stale_card' },
    });
    expect(planUpdate(request, { event: { type: 'cancel', by: BOB, at: 2_000 } })).toMatchObject({
      kind: 'refused',
      refusal: { code: 'not_the_requester' },
    });
    expect(planUpdate(request, { keep: true })).toEqual({ kind: 'keep' });
  });
});
