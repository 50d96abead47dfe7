import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asPersonId } from '../../../../src/core/ids.ts';
import {
  approversToRemind,
  DEFAULT_REMINDER_BACKOFF,
  MAX_APPROVER_REMINDERS,
  reminderAt,
  reminderDelay,
} from '../../../../src/core/request/approver-reminders.ts';
import { ALICE, BOB, CAROL, DAVE, pendingRequest } from './fixtures.ts';

const H = 3_600_000;

describe('approver reminder back-off', () => {
  it.each([
    [1, 1 * H],
    [2, 2 * H],
    [3, 4 * H],
    [4, 8 * H],
    [5, 8 * H],
    [40, 8 * H],
  ])('waits before reminder %i: %i ms (1 h doubling, capped at 8 h)', (n, wait) => {
    expect(reminderDelay(n, DEFAULT_REMINDER_BACKOFF)).toBe(wait);
  });

  it.each([
    [1, 1 * H],
    [2, 3 * H],
    [3, 7 * H],
    [4, 15 * H],
    [5, 23 * H],
  ])('schedules reminder %i at %i ms after filing', (n, at) => {
    expect(reminderAt(0, n, DEFAULT_REMINDER_BACKOFF, 24 * H)).toBe(at);
  });

  it.each([
    ['at or after the lapse', 6, 24 * H],
    ['exactly at the lapse', 1, 1 * H],
    ['past the last reminder', MAX_APPROVER_REMINDERS + 1, undefined],
    ['zero', 0, undefined],
    ['negative', -1, undefined],
    ['a fraction', 1.5, undefined],
  ])('schedules nothing %s', (_, n, lapsesAt) => {
    expect(reminderAt(0, n, DEFAULT_REMINDER_BACKOFF, lapsesAt)).toBeUndefined();
  });

  it('with a seconds-long base for tests: 1 s, then 2 s later, then 4 s later', () => {
    const backoff = { baseMs: 1_000, capMs: 60_000 };

    const times = [1, 2, 3].map((n) => reminderAt(10_000, n, backoff, undefined));

    expect(times).toEqual([11_000, 13_000, 17_000]);
  });

  it('never shortens the gap, never exceeds the cap, and never reminds at or after the lapse (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 10 * H }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 30 * 24 * H }),
        (baseMs, capFactor, lapse) => {
          const backoff = { baseMs, capMs: baseMs * capFactor };
          let previous = 0;
          let previousGap = 0;
          for (let n = 1; n <= MAX_APPROVER_REMINDERS; n++) {
            const at = reminderAt(0, n, backoff, lapse);
            if (at === undefined) break;
            const gap = at - previous;
            expect(gap).toBeGreaterThanOrEqual(previousGap);
            expect(gap).toBeLessThanOrEqual(backoff.capMs);
            expect(at).toBeLessThan(lapse);
            previous = at;
            previousGap = gap;
          }
        },
      ),
    );
  });
});

describe('who is reminded', () => {
  const approvers = [BOB, CAROL, DAVE, ALICE];

  it('reminds approvers who have not acted, never the requester or the subject', () => {
    const request = pendingRequest({ requester: ALICE, subject: ALICE, approvals: [{ by: CAROL, at: 1 }] });

    expect(approversToRemind(request, approvers)).toEqual([BOB, DAVE]);
  });

  it('reminds each approver once even when listed twice', () => {
    expect(approversToRemind(pendingRequest(), [BOB, BOB, asPersonId('U0BOB')])).toEqual([BOB]);
  });

  it.each(['approved', 'denied', 'cancelled', 'lapsed'] as const)('reminds nobody once the request is %s', (status) => {
    expect(approversToRemind(pendingRequest({ status }), approvers)).toEqual([]);
  });
});
