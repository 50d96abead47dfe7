import { afterAll, describe, expect, it } from 'vitest';
import { createRequestStore } from '../../../src/adapters/store/request-store.ts';
import type { AccessRequest } from '../../../src/core/request/request.ts';
import { testRedis } from '../../support/redis.ts';
import { pendingRequest } from '../../unit/core/request/fixtures.ts';

const { redis, prefix } = testRedis();
afterAll(() => redis.quit());

describe('the in-flight index the reconciler re-drives from', () => {
  it('holds a request exactly while it is approved or applying, scored by its last change', async () => {
    const store = createRequestStore(redis, prefix);
    const pending = pendingRequest({ id: 'R1INFLIGHT' as never, updatedAt: 100 });
    await store.create(pending);
    const listed: string[][] = [await store.inFlightSince(10_000, 10)];
    const step = async (previous: AccessRequest, status: AccessRequest['status'], at: number) => {
      const next = { ...previous, status, version: previous.version + 1, updatedAt: at };
      expect(await store.compareAndSet(next, previous.version)).toBe(true);
      listed.push(await store.inFlightSince(10_000, 10));
      return next;
    };

    const approved = await step(pending, 'approved', 200);
    const applying = await step(approved, 'applying', 300);
    const notYetOld = await store.inFlightSince(299, 10);
    await step(applying, 'granted', 400);

    expect(listed).toEqual([[], ['R1INFLIGHT'], ['R1INFLIGHT'], []]);
    expect(notYetOld).toEqual([]);
  });

  it('a lost compare-and-set leaves the index as it was', async () => {
    const store = createRequestStore(redis, prefix);
    const pending = pendingRequest({ id: 'R1INFLOST' as never, updatedAt: 100 });
    await store.create(pending);

    const wrote = await store.compareAndSet({ ...pending, status: 'approved', version: 9 }, 7);

    expect(wrote).toBe(false);
    expect(await store.inFlightSince(10_000, 10)).not.toContain('R1INFLOST');
  });
});
