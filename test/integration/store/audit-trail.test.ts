import { afterAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/adapters/store/audit-log.ts';
import { createRequestStore } from '../../../src/adapters/store/request-store.ts';
import { asRequestId } from '../../../src/core/ids.ts';
import type { AccessRequest } from '../../../src/core/request/request.ts';
import { testRedis } from '../../support/redis.ts';
import { pendingRequest } from '../../unit/core/request/fixtures.ts';

const { redis, prefix } = testRedis();
afterAll(() => redis.quit());

describe('audit stream on real Redis', () => {
  it('reads recent events of one cluster newest first, exports since a time, and trims only older ones', async () => {
    const audit = createAuditLog(redis, `${prefix}a`);
    const now = Date.now();
    for (let i = 0; i < 30; i++) {
      await audit.append({
        type: 'requested',
        at: now + i,
        actor: 'U0ALICE',
        cluster: i % 2 ? 'prod' : 'staging',
        requestId: `R${i}`,
      });
    }

    const recent = await audit.recentFor('prod', 5);
    const all: string[] = [];
    for await (const e of audit.readSince(0)) all.push(e.requestId ?? '');
    const trimmed = await audit.trimBefore(0);

    expect(recent.map((e) => e.requestId)).toEqual(['R29', 'R27', 'R25', 'R23', 'R21']);
    expect(all).toHaveLength(30);
    expect(trimmed).toBe(0);
    expect(await audit.trimBefore(Date.now() + 60_000)).toBe(30);
    const after: unknown[] = [];
    for await (const e of audit.readSince(0)) after.push(e);
    expect(after).toEqual([]);
  });
});

describe('request store indexes for the drift check and the Home tab', () => {
  const store = createRequestStore(redis, `${prefix}s`);
  const granted = (i: number): AccessRequest =>
    pendingRequest({
      id: asRequestId(`RA${i}`),
      status: 'granted',
      cluster: i % 2 ? 'prod-cluster' : 'staging',
      outcome: {
        principalArn: pendingRequest().principalArn,
        policyArn: 'p',
        hadEntryBefore: false,
        hadPolicyBefore: false,
        verifiedAt: 1,
        expiresAt: 10_000 + i,
      },
    });

  it('rotates over every active grant, a window at a time, and wraps around', async () => {
    for (let i = 0; i < 5; i++) {
      await store.create(granted(i));
      await store.markActive(granted(i));
    }

    const windows: string[][] = [];
    for (let i = 0; i < 4; i++) windows.push((await store.rotateActive(2)).map((r) => r.id));

    expect(windows).toEqual([['RA0', 'RA1'], ['RA2', 'RA3'], ['RA4'], ['RA0', 'RA1']]);
    expect((await store.activeOn('prod-cluster')).map((r) => r.id).sort()).toEqual(['RA1', 'RA3']);
    await store.markEnded(granted(1));
    expect((await store.activeOn('prod-cluster')).map((r) => r.id)).toEqual(['RA3']);
  });

  it('lists pending requests per cluster and drops decided ones', async () => {
    const a = pendingRequest({ id: asRequestId('RP1'), createdAt: 1 });
    const b = pendingRequest({ id: asRequestId('RP2'), createdAt: 2 });
    await store.create(a);
    await store.create(b);
    await store.compareAndSet({ ...a, status: 'denied', version: a.version + 1 }, a.version);

    expect((await store.pendingOn('prod-cluster', 10)).map((r) => r.id)).toEqual(['RP2']);
    expect(await redis.zrange(`${prefix}s:pending:prod-cluster`, '0', '-1')).toEqual(['RP2']);
  });
});
