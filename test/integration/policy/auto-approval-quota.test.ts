import { afterAll, describe, expect, it } from 'vitest';
import { createAutoApprovalQuota } from '../../../src/adapters/store/auto-approval-quota.ts';
import { asPersonId, asRequestId } from '../../../src/core/ids.ts';
import { testRedis } from '../../support/redis.ts';

const { redis, prefix } = testRedis();
afterAll(() => redis.quit());

const DAY = 86_400_000;
const quota = createAutoApprovalQuota(redis, prefix);
const take = (user: string, id: string, now: number, max = 3) =>
  quota.take({
    cluster: 'staging',
    user: asPersonId(user),
    requestId: asRequestId(id),
    now,
    periodMs: DAY,
    max,
  });

describe('automatic-approval cap on real Redis', () => {
  it('lets exactly `max` of many concurrent requests through', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => take('U0RACE', `R${i}`, 1_000)));

    expect(results.filter((r) => r.isTaken)).toHaveLength(3);
    expect(
      results
        .filter((r) => r.isTaken)
        .map((r) => r.usedBefore)
        .sort(),
    ).toEqual([0, 1, 2]);
  });

  it('is idempotent per request and counts per requester over a rolling period', async () => {
    const first = await take('U0ROLL', 'RA', 0);
    const again = await take('U0ROLL', 'RA', 10);
    await take('U0ROLL', 'RB', DAY / 2);
    await take('U0ROLL', 'RC', DAY / 2);
    const full = await take('U0ROLL', 'RD', DAY / 2 + 1);
    const otherPerson = await take('U0OTHER', 'RE', DAY / 2 + 1);
    const afterFirstAged = await take('U0ROLL', 'RF', DAY + 1);

    expect(first).toEqual({ isTaken: true, usedBefore: 0 });
    expect(again.isTaken).toBe(true);
    expect(full).toEqual({ isTaken: false, usedBefore: 3 });
    expect(otherPerson).toEqual({ isTaken: true, usedBefore: 0 });
    expect(afterFirstAged).toEqual({ isTaken: true, usedBefore: 2 });
  });
});
