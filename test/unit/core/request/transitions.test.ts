import { describe, expect, it } from 'vitest';
import type { RequestEvent } from '../../../../src/core/request/transitions.ts';
import { transition } from '../../../../src/core/request/transitions.ts';
import { ALICE, BOB, CAROL, DAVE, pendingRequest, policy } from './fixtures.ts';

const PRE = { hadEntryBefore: false, hadPolicyBefore: false };
const OUTCOME = {
  principalArn: pendingRequest().principalArn,
  policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
  hadEntryBefore: false,
  hadPolicyBefore: false,
  verifiedAt: 5,
};

describe('request transitions', () => {
  it('approves a pending request when one of one approvals arrives', () => {
    const request = pendingRequest();

    const result = transition(request, { type: 'approve', by: BOB, at: 2_000, policy: policy([BOB]) });

    expect(result).toMatchObject({ ok: true, next: { status: 'approved', version: 2, updatedAt: 2_000 } });
    expect(result.ok && result.next.approvals).toEqual([{ by: BOB, at: 2_000 }]);
  });

  it('stays pending until distinct approvals reach the quorum', () => {
    const rules = policy([BOB, CAROL, DAVE], 2);
    const first = transition(pendingRequest(), { type: 'approve', by: BOB, at: 2, policy: rules });
    if (!first.ok) throw new Error('first approval refused');

    const again = transition(first.next, { type: 'approve', by: BOB, at: 3, policy: rules });
    const second = transition(first.next, { type: 'approve', by: CAROL, at: 4, policy: rules });

    expect(first.next.status).toBe('pending');
    expect(again).toEqual({ ok: false, refusal: { code: 'already_approved_by_you' } });
    expect(second.ok && second.next.status).toBe('approved');
  });

  it.each([
    ['the requester', ALICE, { code: 'self_approval' }],
    ['someone not listed', DAVE, { code: 'not_an_approver', approvers: [BOB] }],
  ])('refuses approval by %s', (_, who, refusal) => {
    const result = transition(pendingRequest(), { type: 'approve', by: who, at: 2, policy: policy([BOB]) });

    expect(result).toEqual({ ok: false, refusal });
  });

  it('refuses the subject approving a grant made for them by someone else', () => {
    const request = pendingRequest({ requester: CAROL, subject: BOB });

    const result = transition(request, { type: 'approve', by: BOB, at: 2, policy: policy([BOB, DAVE]) });

    expect(result).toEqual({ ok: false, refusal: { code: 'self_approval' } });
  });

  it('denies with a reason and then refuses any further decision', () => {
    const denied = transition(pendingRequest(), {
      type: 'deny',
      by: BOB,
      at: 2,
      policy: policy([BOB]),
      reason: 'no ticket',
    });
    if (!denied.ok) throw new Error('deny refused');

    const late = transition(denied.next, { type: 'approve', by: BOB, at: 3, policy: policy([BOB]) });

    expect(denied.next).toMatchObject({ status: 'denied', denial: { by: BOB, at: 2, reason: 'no ticket' } });
    expect(late).toEqual({ ok: false, refusal: { code: 'already_decided', status: 'denied' } });
  });

  it('walks approved → applying → granted and records the pre-state once', () => {
    const approved = pendingRequest({ status: 'approved' });

    const applying = transition(approved, { type: 'start_apply', at: 3, preState: PRE });
    if (!applying.ok) throw new Error('start refused');
    const resumed = transition(applying.next, { type: 'start_apply', at: 4, preState: PRE });
    const granted = transition(applying.next, { type: 'granted', at: 5, outcome: OUTCOME });

    expect(applying.next).toMatchObject({ status: 'applying', preState: PRE });
    expect(resumed).toEqual({ ok: false, refusal: { code: 'already_decided', status: 'applying' } });
    expect(granted.ok && granted.next.status).toBe('granted');
  });

  it.each<[string, RequestEvent]>([
    ['granted', { type: 'granted', at: 1, outcome: OUTCOME }],
    ['failed', { type: 'failed', at: 1, failure: { code: 'x', message: 'y', at: 1 } }],
    ['start_apply', { type: 'start_apply', at: 1, preState: PRE }],
  ])('never lets a pending request jump to %s', (_, event) => {
    expect(transition(pendingRequest(), event).ok).toBe(false);
  });

  it('fails an applying request and keeps it failed', () => {
    const applying = pendingRequest({ status: 'applying' });

    const failed = transition(applying, {
      type: 'failed',
      at: 9,
      failure: { code: 'aws_denied', message: 'no', at: 9 },
    });
    if (!failed.ok) throw new Error('fail refused');
    const grantedAfter = transition(failed.next, { type: 'granted', at: 10, outcome: OUTCOME });

    expect(failed.next.status).toBe('failed');
    expect(grantedAfter.ok).toBe(false);
  });
});
