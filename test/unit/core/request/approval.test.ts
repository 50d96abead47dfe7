import { describe, expect, it } from 'vitest';
import { hasQuorum, validApprovals } from '../../../../src/core/request/approval.ts';
import { ALICE, BOB, CAROL, DAVE, pendingRequest, policy } from './fixtures.ts';

describe('approval rules re-checked at execution time', () => {
  it('drops approvals from people who are no longer approvers', () => {
    const request = pendingRequest({
      approvals: [
        { by: BOB, at: 1 },
        { by: CAROL, at: 2 },
      ],
    });

    const valid = validApprovals(request, policy([CAROL, DAVE], 2));

    expect(valid).toEqual([{ by: CAROL, at: 2 }]);
    expect(hasQuorum(request, policy([CAROL, DAVE], 2))).toBe(false);
    expect(hasQuorum(request, policy([BOB, CAROL], 2))).toBe(true);
  });

  it('never counts the requester or duplicate approvals', () => {
    const request = pendingRequest({
      approvals: [
        { by: ALICE, at: 1 },
        { by: BOB, at: 2 },
        { by: BOB, at: 3 },
      ],
    });

    expect(validApprovals(request, policy([ALICE, BOB], 1))).toEqual([{ by: BOB, at: 2 }]);
    expect(hasQuorum(request, policy([ALICE, BOB], 2))).toBe(false);
  });
});
