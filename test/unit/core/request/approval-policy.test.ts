import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asPersonId } from '../../../../src/core/ids.ts';
import {
  type ApprovalPolicy,
  approversFor,
  checkApprover,
  checkReviewer,
  decideAutoApprove,
  decideBreakGlass,
  hasQuorum,
  peopleIn,
  validApprovals,
} from '../../../../src/core/request/approval.ts';
import { transition } from '../../../../src/core/request/transitions.ts';
import { ALICE, BOB, CAROL, DAVE, pendingRequest } from './fixtures.ts';

const ONCALL = asPersonId('S0ONCALL');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const groupPolicy = (extra: Partial<ApprovalPolicy> = {}): ApprovalPolicy => ({
  approvers: [BOB, ONCALL],
  requiredApprovals: 1,
  groupMembers: { [ONCALL]: [CAROL, ALICE] },
  ...extra,
});

describe('who may approve', () => {
  it.each([
    ['a listed user', BOB, groupPolicy(), undefined],
    ['a member of a listed user group', CAROL, groupPolicy(), undefined],
    ['someone in neither', DAVE, groupPolicy(), 'not_an_approver'],
    [
      'a group member when the group could not be resolved',
      CAROL,
      groupPolicy({ groupMembers: {} }),
      'not_an_approver',
    ],
    ['the requester, even through a group', ALICE, groupPolicy(), 'self_approval'],
    // Asking for yourself makes you the subject, and nobody approves their own access (since issue 16).
    [
      'the requester-subject even with allowSelfApproval',
      ALICE,
      groupPolicy({ allowSelfApproval: true }),
      'self_approval',
    ],
  ] as const)('%s', (_name, user, policy, expected) => {
    expect(checkApprover(pendingRequest(), user, policy)?.code).toBe(expected);
  });

  it.each([
    ['the requester of a request for someone else', ALICE, groupPolicy(), 'self_approval'],
    ['that requester with allowSelfApproval', ALICE, groupPolicy({ allowSelfApproval: true }), undefined],
    [
      'a non-approver requester with allowSelfApproval',
      ALICE,
      { approvers: [BOB], requiredApprovals: 1, allowSelfApproval: true },
      'not_an_approver',
    ],
    ['the subject, a listed approver', BOB, groupPolicy(), 'self_approval'],
    ['the subject, even with allowSelfApproval', BOB, groupPolicy({ allowSelfApproval: true }), 'self_approval'],
  ] as const)('on a request Alice filed for Bob: %s', (_name, user, policy, expected) => {
    const forBob = pendingRequest({ requester: ALICE, subject: BOB });

    expect(checkApprover(forBob, user, policy)?.code).toBe(expected);
  });

  it('refuses the subject of a grant asked for by someone else, self-approval allowed or not', () => {
    const forCarol = pendingRequest({ requester: BOB, subject: CAROL });

    expect(checkApprover(forCarol, CAROL, groupPolicy())?.code).toBe('self_approval');
    expect(checkApprover(forCarol, CAROL, groupPolicy({ allowSelfApproval: true }))?.code).toBe('self_approval');
  });

  it("counts a requester's approval toward the quorum only when allowed and the request is for someone else", () => {
    const forBob = pendingRequest({ requester: ALICE, subject: BOB, approvals: [{ by: ALICE, at: 1 }] });
    const forSelf = pendingRequest({ approvals: [{ by: ALICE, at: 1 }] });

    expect(hasQuorum(forBob, groupPolicy())).toBe(false);
    expect(hasQuorum(forBob, groupPolicy({ allowSelfApproval: true }))).toBe(true);
    expect(hasQuorum(forSelf, groupPolicy({ allowSelfApproval: true }))).toBe(false);
  });

  it('lists as approvers to wait for only the people who may decide', () => {
    const forBob = pendingRequest({ requester: ALICE, subject: BOB });
    const policy = { approvers: [ALICE, BOB, CAROL, ONCALL], requiredApprovals: 1 };

    expect(approversFor(forBob, policy)).toEqual([CAROL, ONCALL]);
    expect(approversFor(forBob, { ...policy, allowSelfApproval: true })).toEqual([ALICE, CAROL, ONCALL]);
    expect(approversFor(pendingRequest(), { ...policy, allowSelfApproval: true })).toEqual([BOB, CAROL, ONCALL]);
  });

  it('approves through transitions once distinct people from the list and the group reach the quorum', () => {
    const policy = groupPolicy({ requiredApprovals: 2 });
    const first = transition(pendingRequest(), { type: 'approve', by: CAROL, at: 2, policy });
    if (!first.ok) throw new Error(first.refusal.code);
    const twice = transition(first.next, { type: 'approve', by: CAROL, at: 3, policy });
    const second = transition(first.next, { type: 'approve', by: BOB, at: 4, policy });

    expect(first.next.status).toBe('pending');
    expect(twice.ok ? 'ok' : twice.refusal.code).toBe('already_approved_by_you');
    expect(second.ok && second.next.status).toBe('approved');
  });

  it('expands groups into each person once, for DMs', () => {
    expect(peopleIn([BOB, ONCALL, CAROL], { [ONCALL]: [CAROL, DAVE] })).toEqual([BOB, CAROL, DAVE]);
  });
});

describe('quorum properties', () => {
  const people = fc.constantFrom(ALICE, BOB, CAROL, DAVE, asPersonId('U0ERIN'));
  const approvals = fc.array(fc.record({ by: people, at: fc.nat() }), { maxLength: 12 });
  const policies = fc.record({
    approvers: fc.uniqueArray(fc.constantFrom(ALICE, BOB, CAROL, DAVE, ONCALL), { minLength: 1 }),
    requiredApprovals: fc.integer({ min: 1, max: 4 }),
    allowSelfApproval: fc.boolean(),
    groupMembers: fc.constant({ [ONCALL]: [DAVE, ALICE] }),
  });

  it('never counts one person twice, nor the subject, nor the requester when self-approval is off, nor an outsider', () => {
    fc.assert(
      fc.property(approvals, policies, people, (list, policy, subject) => {
        const request = pendingRequest({ approvals: list, subject });
        const counted = validApprovals(request, policy).map((a) => a.by);

        expect(new Set(counted).size).toBe(counted.length);
        expect(counted).not.toContain(subject);
        if (!policy.allowSelfApproval) expect(counted).not.toContain(ALICE);
        for (const by of counted) {
          const direct = policy.approvers.includes(by);
          const viaGroup = policy.approvers.includes(ONCALL) && [DAVE, ALICE].includes(by);
          expect(direct || viaGroup).toBe(true);
        }
        expect(hasQuorum(request, policy)).toBe(counted.length >= policy.requiredApprovals);
      }),
    );
  });
});

describe('automatic approval', () => {
  const cap = { count: 5, periodMs: DAY };
  it.each([
    [
      'a level not listed',
      { kind: 'grant', isAutoLevel: false, usedInPeriod: 0 },
      { auto: false, reason: 'level_not_auto_approved' },
    ],
    [
      'a mode migration',
      { kind: 'migrate', isAutoLevel: true, usedInPeriod: 0 },
      { auto: false, reason: 'not_a_grant' },
    ],
    ['no cap', { kind: 'grant', isAutoLevel: true, usedInPeriod: 99 }, { auto: true }],
    [
      'the first of five',
      { kind: 'grant', isAutoLevel: true, cap, usedInPeriod: 0 },
      { auto: true, allowance: { left: 4, of: 5, periodMs: DAY } },
    ],
    [
      'the fifth of five',
      { kind: 'grant', isAutoLevel: true, cap, usedInPeriod: 4 },
      { auto: true, allowance: { left: 0, of: 5, periodMs: DAY } },
    ],
    [
      'the sixth: back to a person',
      { kind: 'grant', isAutoLevel: true, cap, usedInPeriod: 5 },
      { auto: false, reason: 'cap_reached', allowance: { left: 0, of: 5, periodMs: DAY } },
    ],
  ] as const)('%s', (_name, input, expected) => {
    expect(decideAutoApprove(input)).toEqual(expected);
  });

  it('never promises more than the cap, whatever was used', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.nat({ max: 100 }), (count, used) => {
        const decision = decideAutoApprove({
          kind: 'grant',
          isAutoLevel: true,
          cap: { count, periodMs: DAY },
          usedInPeriod: used,
        });
        expect(decision.auto).toBe(used < count);
        expect(decision.allowance?.left).toBe(Math.max(0, count - used - 1));
      }),
    );
  });
});

describe('break-glass', () => {
  const rule = { allowed: [BOB, ONCALL], maxDuration: HOUR };
  const base = { rule, requester: BOB, subject: BOB, reason: 'INC-123', requestedMs: undefined };
  it.each([
    ['not configured', { ...base, rule: undefined }, { allowed: false, reason: 'not_configured' }],
    ['someone not listed', { ...base, requester: DAVE, subject: DAVE }, { allowed: false, reason: 'not_allowed' }],
    ['a group member', { ...base, requester: CAROL, subject: CAROL }, { allowed: true, durationMs: HOUR }],
    ['without a reason', { ...base, reason: undefined }, { allowed: false, reason: 'needs_reason' }],
    ['with a blank reason', { ...base, reason: '  ' }, { allowed: false, reason: 'needs_reason' }],
    ['for someone else', { ...base, subject: CAROL }, { allowed: false, reason: 'only_for_yourself' }],
    ['30 minutes', { ...base, requestedMs: HOUR / 2 }, { allowed: true, durationMs: HOUR / 2 }],
    [
      '4 hours: capped',
      { ...base, requestedMs: 4 * HOUR },
      { allowed: true, durationMs: HOUR, cappedFromMs: 4 * HOUR },
    ],
  ] as const)('%s', (_name, input, expected) => {
    expect(decideBreakGlass({ ...input, groupMembers: { [ONCALL]: [CAROL] } })).toEqual(expected);
  });

  it('never grants longer than the maximum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 48 * HOUR }),
        fc.option(fc.integer({ min: 1, max: 100 * HOUR })),
        (max, asked) => {
          const decision = decideBreakGlass({
            ...base,
            rule: { ...rule, maxDuration: max },
            requestedMs: asked ?? undefined,
          });
          expect(decision.allowed && decision.durationMs <= max).toBe(true);
        },
      ),
    );
  });

  it('goes straight to approved, and an approver (not the one who broke glass) acknowledges the review once', () => {
    const glass = transition(pendingRequest({ requester: BOB, subject: BOB }), {
      type: 'break_glass',
      at: 5,
      info: { at: 5 },
    });
    if (!glass.ok) throw new Error(glass.refusal.code);
    const policy = groupPolicy();
    const acked = transition(glass.next, { type: 'acknowledge_review', at: 9, by: CAROL });
    const twice = acked.ok ? transition(acked.next, { type: 'acknowledge_review', at: 10, by: BOB }) : acked;

    expect(glass.next).toMatchObject({ status: 'approved', approvals: [], breakGlass: { at: 5 } });
    expect(checkReviewer(glass.next, BOB, policy)?.code).toBe('self_approval');
    expect(checkReviewer(glass.next, DAVE, policy)?.code).toBe('not_an_approver');
    expect(checkReviewer(glass.next, CAROL, policy)).toBeUndefined();
    expect(acked.ok && acked.next.breakGlass?.acknowledged).toEqual({ by: CAROL, at: 9 });
    expect(twice.ok ? 'ok' : twice.refusal.code).toBe('review_already_acknowledged');
  });

  it('has no review on an ordinary request', () => {
    const result = transition(pendingRequest(), { type: 'acknowledge_review', at: 1, by: BOB });
    expect(result.ok ? 'ok' : result.refusal.code).toBe('not_break_glass');
  });
});
