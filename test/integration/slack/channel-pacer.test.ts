import { afterAll, describe, expect, it } from 'vitest';
import { createChannelPacer } from '../../../src/adapters/slack/channel-pacer.ts';
import { testRedis } from '../../support/redis.ts';

const { redis, prefix } = testRedis();
afterAll(() => redis.quit());

const waitOf = (slot: { waitMs: number } | { busyForMs: number }) => ('waitMs' in slot ? slot.waitMs : -1);

describe('per-channel Slack posting budget on real Redis (GCRA)', () => {
  it('lets a burst of 3 through at once, then spaces posts one interval apart', async () => {
    const pacer = createChannelPacer(redis, `${prefix}-a`, { intervalMs: 1_000, burst: 3, maxWaitMs: 10_000 });

    const waits: number[] = [];
    for (let i = 0; i < 6; i++) waits.push(waitOf(await pacer.reserve('C1')));

    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    // Redis's clock moves a few ms between calls, so each later slot is about one interval after the one before.
    for (const [i, expected] of [
      [3, 1_000],
      [4, 2_000],
      [5, 3_000],
    ] as const) {
      expect(waits[i]).toBeGreaterThan(expected - 100);
      expect(waits[i]).toBeLessThanOrEqual(expected);
    }
  });

  it('keeps channels apart, and shares one schedule between two processes’ pacers', async () => {
    const settings = { intervalMs: 1_000, burst: 1, maxWaitMs: 10_000 };
    const one = createChannelPacer(redis, `${prefix}-b`, settings);
    const otherConnection = redis.duplicate();
    const other = createChannelPacer(otherConnection, `${prefix}-b`, settings);

    const first = waitOf(await one.reserve('C2'));
    const second = waitOf(await other.reserve('C2'));
    const elsewhere = waitOf(await other.reserve('C3'));
    await otherConnection.quit();

    expect(first).toBe(0);
    expect(second).toBeGreaterThan(900);
    expect(elsewhere).toBe(0);
  });

  it('refuses a slot beyond the longest wait without reserving it, so refused posts push nobody back', async () => {
    const pacer = createChannelPacer(redis, `${prefix}-c`, { intervalMs: 1_000, burst: 1, maxWaitMs: 1_500 });

    const slots = [];
    for (let i = 0; i < 5; i++) slots.push(await pacer.reserve('C4'));

    expect(slots.slice(0, 2).map(waitOf)).toEqual([0, expect.any(Number)]);
    expect(slots.slice(2).every((s) => 'busyForMs' in s)).toBe(true);
    // Three refusals reserved nothing: the next refusal is still about two intervals away, not five.
    const busy = slots[4] as { busyForMs: number };
    expect(busy.busyForMs).toBeGreaterThan(1_800);
    expect(busy.busyForMs).toBeLessThanOrEqual(2_000);
  });

  it('is off with interval 0', async () => {
    const pacer = createChannelPacer(redis, `${prefix}-d`, { intervalMs: 0, burst: 1, maxWaitMs: 0 });
    const slots = await Promise.all(Array.from({ length: 20 }, () => pacer.reserve('C5')));
    expect(slots.map(waitOf)).toEqual(Array(20).fill(0));
  });
});
