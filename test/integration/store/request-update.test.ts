import { afterAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/adapters/store/audit-log.ts';
import { createRequestStore } from '../../../src/adapters/store/request-store.ts';
import { asPersonId, asRequestId } from '../../../src/core/ids.ts';
import type { AccessRequest } from '../../../src/core/request/request.ts';
import type { UpdateDecision } from '../../../src/core/request/update-decision.ts';
import { testRedis } from '../../support/redis.ts';
import { ALICE, BOB, CAROL, pendingRequest, policy } from '../../unit/core/request/fixtures.ts';

const { redis, prefix } = testRedis();
afterAll(() => redis.quit());

function world(name: string) {
  const keyPrefix = `${prefix}${name}`;
  return { store: createRequestStore(redis, keyPrefix), audit: createAuditLog(redis, keyPrefix) };
}

describe('RequestStore.update on real Redis', () => {
  it('decides on the copy this process last wrote only while it is current: another process’s write wins', async () => {
    // Two processes on one Redis: the worker filed the request, the web process approved it since.
    const worker = world('seen');
    const web = createRequestStore(redis, `${prefix}seen`);
    const request = pendingRequest({ id: asRequestId('R1UPDSEEN') });
    await worker.store.create(request);
    const byBob: UpdateDecision = { event: { type: 'approve', by: BOB, at: 2_000, policy: policy([BOB]) } };
    expect((await web.update(request.id, () => byBob)).ok).toBe(true);
    const seenBy: string[] = [];

    // The worker still holds version 1: its write on that copy is refused, and it decides again on version 2.
    const result = await worker.store.update(request.id, (current) => {
      seenBy.push(`${current.status}@${current.version}`);
      return { event: { type: 'approve', by: CAROL, at: 3_000, policy: policy([BOB, CAROL]) } };
    });

    expect(seenBy).toEqual(['pending@1', 'approved@2']);
    expect(result.ok).toBe(false);
    expect(await worker.store.get(request.id)).toMatchObject({ version: 2, approvals: [{ by: BOB, at: 2_000 }] });
  });

  it('writes on its own last copy without reading it again', async () => {
    // The real connection, counting the GETs this store sends (the script's own GET runs inside Redis).
    let reads = 0;
    const counted = new Proxy(redis, {
      get(target, name, receiver) {
        if (name === 'get') reads += 1;
        return Reflect.get(target, name, receiver);
      },
    });
    const store = createRequestStore(counted, `${prefix}own`);
    const request = pendingRequest({ id: asRequestId('R1UPDOWN') });
    await store.create(request);

    const approved = await store.update(request.id, () => ({
      event: { type: 'approve', by: BOB, at: 2_000, policy: policy([BOB]) },
    }));

    expect(approved).toMatchObject({ ok: true, hasChanged: true, request: { version: 2, status: 'approved' } });
    expect(reads).toBe(0);
    expect(await store.get(request.id)).toMatchObject({ version: 2, status: 'approved' });
  });

  it('makes 20 concurrent updates with the same event one transition and one audit event', async () => {
    const { store, audit } = world('race');
    const request = pendingRequest({ id: asRequestId('R1UPDRACE') });
    await store.create(request);
    const approve: UpdateDecision = { event: { type: 'approve', by: BOB, at: 2_000, policy: policy([BOB]) } };

    const results = await Promise.all(Array.from({ length: 20 }, () => store.update(request.id, () => approve)));

    const changed = results.filter((r) => r.ok && r.hasChanged);
    expect(changed).toHaveLength(1);
    // The others re-read after the conflict and the state machine refused them against the fresh request.
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.refusal)).toEqual(
      Array.from({ length: 19 }, () => ({ code: 'already_decided', status: 'approved' })),
    );
    const stored = await store.get(request.id);
    expect(stored).toMatchObject({ version: 2, status: 'approved', approvals: [{ by: BOB, at: 2_000 }] });
    expect(await audit.read()).toEqual([
      {
        type: 'approved',
        at: 2_000,
        actor: BOB,
        requestId: request.id,
        cluster: 'prod-cluster',
        detail: { status: 'approved', approvals: BOB },
      },
    ]);
  });

  it('writes nothing on a refusal, whether the decision refuses or the state machine does', async () => {
    const { store, audit } = world('refuse');
    const request = pendingRequest({ id: asRequestId('R1UPDREFUSE') });
    await store.create(request);

    const byDecision = await store.update(request.id, () => ({ refusal: { code: 'stale_card' } }));
    // Only the requester or the subject may cancel.
    const byMachine = await store.update(request.id, () => ({ event: { type: 'cancel', by: CAROL, at: 3_000 } }));

    expect(byDecision).toEqual({ ok: false, refusal: { code: 'stale_card' }, request });
    expect(byMachine).toMatchObject({ ok: false, refusal: { code: 'not_the_requester', requester: ALICE } });
    expect(await store.get(request.id)).toEqual(request);
    expect(await audit.read()).toEqual([]);
    expect(await store.update(asRequestId('R1UPDNONE'), () => ({ keep: true }))).toEqual({
      ok: false,
      refusal: { code: 'unknown_request' },
    });
  });

  it('keeps the request as it is on "no change", and writes no audit event for a caller that records its own', async () => {
    const { store, audit } = world('keep');
    const request = pendingRequest({ id: asRequestId('R1UPDKEEP'), status: 'approved' });
    await store.create(request);

    const kept = await store.update(request.id, () => ({ keep: true }));
    const started = await store.update(request.id, () => ({
      event: { type: 'failed', at: 4_000, failure: { code: 'x', message: 'y', at: 4_000 } },
      audit: 'none',
    }));

    expect(kept).toEqual({ ok: true, request, previous: request, hasChanged: false });
    expect(started).toMatchObject({ ok: true, hasChanged: true, request: { status: 'failed', version: 2 } });
    expect(await audit.read()).toEqual([]);
  });

  it('after a version conflict decides again on the fresh request', async () => {
    const { store, audit } = world('retry');
    const request = pendingRequest({ id: asRequestId('R1UPDRETRY') });
    await store.create(request);
    const twoOf = policy([BOB, CAROL], 2);
    const seen: AccessRequest[] = [];

    const result = await store.update(request.id, async (current) => {
      seen.push(current);
      // Another writer (Bob's click) lands between this read and this write, once.
      if (seen.length === 1) {
        await store.update(request.id, () => ({ event: { type: 'approve', by: BOB, at: 5_000, policy: twoOf } }));
      }
      return { event: { type: 'approve', by: asPersonId(CAROL), at: 6_000, policy: twoOf } };
    });

    expect(seen.map((r) => [r.version, r.approvals.length])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect(result).toMatchObject({
      ok: true,
      hasChanged: true,
      previous: { version: 2 },
      request: { version: 3, status: 'approved', approvals: [{ by: BOB }, { by: CAROL }] },
    });
    expect((await audit.read()).map((e) => [e.actor, e.detail])).toEqual([
      [BOB, { status: 'pending', approvals: BOB }],
      [CAROL, { status: 'approved', approvals: `${BOB},${CAROL}` }],
    ]);
  });

  it('keeps the in-flight index with the status, as compare-and-set did', async () => {
    const { store } = world('inflight');
    const request = pendingRequest({ id: asRequestId('R1UPDFLIGHT'), updatedAt: 100 });
    await store.create(request);

    await store.update(request.id, () => ({ event: { type: 'approve', by: BOB, at: 200, policy: policy([BOB]) } }));
    const approved = await store.inFlightSince(10_000, 10);
    await store.update(request.id, () => ({
      event: { type: 'failed', at: 300, failure: { code: 'x', message: 'y', at: 300 } },
    }));

    expect(approved).toEqual([request.id]);
    expect(await store.inFlightSince(10_000, 10)).toEqual([]);
  });
});
