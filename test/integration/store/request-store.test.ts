import { afterAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/adapters/store/audit-log.ts';
import { createMessageLog } from '../../../src/adapters/store/message-log.ts';
import { createRequestStore } from '../../../src/adapters/store/request-store.ts';
import { asPersonId } from '../../../src/core/ids.ts';
import { transition } from '../../../src/core/request/transitions.ts';
import { testRedis } from '../../support/redis.ts';
import { BOB, CAROL, DAVE, pendingRequest, policy } from '../../unit/core/request/fixtures.ts';

const { redis, prefix } = testRedis();
afterAll(() => redis.quit());

describe('request store on real Redis', () => {
  it('creates once: a second create with the same id changes nothing', async () => {
    const store = createRequestStore(redis, prefix);
    const request = pendingRequest({ id: 'R1CREATE' as never });

    const first = await store.create(request);
    const second = await store.create({ ...request, level: 'cluster-admin' });

    expect([first, second]).toEqual([true, false]);
    expect((await store.get(request.id))?.level).toBe('view');
  });

  it('files the request, its indexes and its requested event in one script: a repeated create writes no second event', async () => {
    // A prefix of its own: another test here reads the whole audit stream.
    const store = createRequestStore(redis, `${prefix}:atomic`);
    const audit = createAuditLog(redis, `${prefix}:atomic`);
    const requester = asPersonId('U0ATOMIC');
    const request = pendingRequest({ id: 'R1ATOMIC' as never, requester, createdAt: 7 });
    const event = { type: 'requested' as const, at: 7, actor: requester, requestId: request.id, cluster: 'prod' };

    const first = await store.create(request, event);
    const second = await store.create({ ...request, level: 'cluster-admin' }, { ...event, at: 8 });

    expect([first, second]).toEqual([true, false]);
    expect((await store.listForUser(requester, 10)).map((r) => r.id)).toEqual(['R1ATOMIC']);
    expect((await store.pendingOn(request.cluster, 100)).map((r) => r.id)).toContain('R1ATOMIC');
    const filed = (await audit.read(10_000)).filter((e) => e.requestId === request.id);
    expect(filed).toEqual([{ type: 'requested', at: 7, actor: requester, requestId: request.id, cluster: 'prod' }]);
  });

  it('lets exactly one of many concurrent compare-and-set writers win', async () => {
    const store = createRequestStore(redis, prefix);
    const request = pendingRequest({ id: 'R1RACE' as never });
    await store.create(request);
    const rules = policy([BOB, CAROL, DAVE, 'U0EVE', 'U0FRED']);
    const approvers = [BOB, CAROL, DAVE, asPersonId('U0EVE'), asPersonId('U0FRED')];

    const results = await Promise.all(
      approvers.map((by) => {
        const next = transition(request, { type: 'approve', by, at: 2, policy: rules });
        if (!next.ok) throw new Error('refused');
        return store.compareAndSet(next.next, request.version);
      }),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await store.get(request.id);
    expect(stored?.version).toBe(2);
    expect(stored?.approvals).toHaveLength(1);
  });

  it('lists a user’s requests newest first', async () => {
    const store = createRequestStore(redis, prefix);
    const user = asPersonId('U0LISTER');
    await store.create(pendingRequest({ id: 'R1OLD' as never, requester: user, createdAt: 1 }));
    await store.create(pendingRequest({ id: 'R1NEW' as never, requester: user, createdAt: 2 }));

    const listed = await store.listForUser(user, 10);

    expect(listed.map((r) => r.id)).toEqual(['R1NEW', 'R1OLD']);
  });

  it('remembers posted messages per owner and key', async () => {
    const log = createMessageLog(redis, prefix);

    await log.save('req:R1', 'card:C1', { channel: 'C1', ts: '1.1' });

    expect(await log.get('req:R1', 'card:C1')).toEqual({ channel: 'C1', ts: '1.1' });
    expect(await log.get('req:R1', 'ack')).toBeUndefined();
    expect(await log.list('req:R1')).toEqual({ 'card:C1': { channel: 'C1', ts: '1.1' } });
  });

  it('appends audit events to a stream and reads them back in order', async () => {
    const audit = createAuditLog(redis, prefix);

    await audit.append({
      type: 'requested',
      at: 1,
      actor: 'U0A',
      requestId: 'R1',
      cluster: 'prod',
      detail: { level: 'view' },
    });
    await audit.append({ type: 'approved', at: 2, actor: 'U0B', requestId: 'R1' });

    expect(await audit.read()).toEqual([
      { type: 'requested', at: 1, actor: 'U0A', requestId: 'R1', cluster: 'prod', detail: { level: 'view' } },
      { type: 'approved', at: 2, actor: 'U0B', requestId: 'R1' },
    ]);
  });
});
