import { afterAll, describe, expect, it } from 'vitest';
import { createDigests } from '../../../src/adapters/store/digests.ts';
import { createMessageLog } from '../../../src/adapters/store/message-log.ts';
import { testRedis } from '../../support/redis.ts';

const { redis, prefix } = testRedis();
afterAll(() => redis.quit());

describe('message log claims on real Redis', () => {
  it('holds a key while one job posts, lets the next in after a failure, and forgets it once saved', async () => {
    const log = createMessageLog(redis, prefix);

    const first = await log.claim('req:R1', 'ack', 1_000);
    const meanwhile = await log.claim('req:R1', 'ack', 5_000);
    await log.abandon('req:R1', 'ack');
    const retry = await log.claim('req:R1', 'ack', 9_000);
    await log.save('req:R1', 'ack', { channel: 'C1', ts: '1.000100', contentHash: 'h1' });
    const after = await log.claim('req:R1', 'ack', 12_000);

    expect(first).toEqual({});
    // Another job wanting the same message while the first posts waits out the rest of the 30 s hold.
    expect(meanwhile).toEqual({ busyForMs: 26_000 });
    // The earliest attempt is kept: a lookup must search from the first post that may have reached Slack.
    expect(retry).toEqual({ attemptedAt: 1_000 });
    expect(after).toEqual({ ref: { channel: 'C1', ts: '1.000100', contentHash: 'h1' } });
    expect(await log.list('req:R1')).toEqual({ ack: { channel: 'C1', ts: '1.000100', contentHash: 'h1' } });
  });

  it('a holder that died lets the next job in after the hold, and that job looks first', async () => {
    const log = createMessageLog(redis, prefix);
    await log.claim('req:R3', 'ack', 1_000);
    expect(await log.claim('req:R3', 'ack', 31_001)).toEqual({ attemptedAt: 1_000 });
  });

  it('a released claim (deferred before sending) leaves nothing to look for', async () => {
    const log = createMessageLog(redis, prefix);
    await log.claim('req:R4', 'ack', 1_000);
    await log.release('req:R4', 'ack');
    expect(await log.claim('req:R4', 'ack', 2_000)).toEqual({});
  });

  it('never lists attempt marks as posted messages', async () => {
    const log = createMessageLog(redis, prefix);
    await log.claim('req:R2', 'card:C9', 1);
    expect(await log.list('req:R2')).toEqual({});
    expect(await log.get('req:R2', 'card:C9')).toBeUndefined();
  });
});

describe('digests on real Redis', () => {
  const item = (requestId: string, at: number) => ({
    requestId,
    requester: 'U0A',
    subject: 'U0A',
    cluster: 'prod',
    level: 'view',
    durationMs: 3_600_000,
    at,
  });

  it('says "first" to the window’s first request only, and again to it on a retry', async () => {
    const digests = createDigests(redis, prefix);

    const answers = [
      await digests.add('C1', 7, item('RA', 2)),
      await digests.add('C1', 7, item('RB', 1)),
      await digests.add('C1', 7, item('RA', 2)),
      await digests.add('C1', 8, item('RC', 3)),
    ];

    expect(answers).toEqual([true, false, true, true]);
    expect((await digests.read('C1', 7)).map((i) => i.requestId)).toEqual(['RB', 'RA']);
    expect((await digests.read('C1', 8)).map((i) => i.requestId)).toEqual(['RC']);
    expect(await digests.read('C2', 7)).toEqual([]);
  });
});
