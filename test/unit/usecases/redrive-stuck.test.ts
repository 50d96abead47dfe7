import { describe, expect, it } from 'vitest';
import { asRequestId } from '../../../src/core/ids.ts';
import type { AccessRequest } from '../../../src/core/request/request.ts';
import { redriveStuckRequests } from '../../../src/usecases/reconcile/reconcile.ts';
import { inMemoryWorld } from '../../fakes/in-memory/ports.ts';
import { pendingRequest } from '../core/request/fixtures.ts';

const NOW = 1_700_000_000_000;
const MINUTE = 60_000;

describe('redriveStuckRequests', () => {
  it.each<[AccessRequest['status'], number, boolean]>([
    ['approved', 3 * MINUTE, true],
    ['applying', 3 * MINUTE, true],
    ['applying', 30_000, false],
    ['pending', 3 * MINUTE, false],
    ['granted', 3 * MINUTE, false],
    ['failed', 3 * MINUTE, false],
    ['denied', 3 * MINUTE, false],
  ])('a request %s for %i ms → re-driven: %s', async (status, age, expected) => {
    const world = inMemoryWorld({ clusters: [], users: {} }, NOW);
    const request = pendingRequest({ id: asRequestId('R1STUCK'), status, updatedAt: NOW - age });
    world.requests.set(request.id, request);

    const result = await redriveStuckRequests(world.deps, 2 * MINUTE);

    expect(result.redriven).toBe(expected ? 1 : 0);
    expect(world.enqueued).toEqual(expected ? [request.id] : []);
    expect(world.audit.filter((e) => e.type === 'redriven').map((e) => e.requestId)).toEqual(
      expected ? [request.id] : [],
    );
  });
});
