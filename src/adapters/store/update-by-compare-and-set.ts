import type { TransitionAuditEvent } from '../../core/audit/transition-event.ts';
import type { RequestId } from '../../core/ids.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import { planUpdate } from '../../core/request/update-decision.ts';
import type { Decide, UpdateResult } from '../../usecases/ports/requests.ts';

/** The primitive under `update`: writes `next` and its audit event only when the stored version is `expectedVersion`. */
export interface CompareAndSet {
  get(id: RequestId): Promise<AccessRequest | undefined>;
  compareAndSet(next: AccessRequest, expectedVersion: number, audit?: TransitionAuditEvent): Promise<boolean>;
}

/**
 * Enough for every writer of one request to get through a burst (a crowd of clicks, a job and the reconciler), and
 * few enough that a request that never stops changing surfaces as an error instead of a hung job.
 */
export const MAX_UPDATE_ATTEMPTS = 20;

/** `RequestStore.update` over a compare-and-set primitive; shared by the Redis store and the test world. */
export async function updateByCompareAndSet(
  store: CompareAndSet,
  id: RequestId,
  decide: Decide,
  known?: AccessRequest,
): Promise<UpdateResult> {
  for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
    // A copy the caller has just read saves the first read; if it is stale its version loses the compare-and-set.
    const current = attempt === 0 && known?.id === id ? known : await store.get(id);
    if (!current) return { ok: false, refusal: { code: 'unknown_request' } };
    const plan = planUpdate(current, await decide(current));
    if (plan.kind === 'refused') return { ok: false, refusal: plan.refusal, request: current };
    if (plan.kind === 'keep') return { ok: true, request: current, previous: current, hasChanged: false };
    if (await store.compareAndSet(plan.next, current.version, plan.audit)) {
      return { ok: true, request: plan.next, previous: current, hasChanged: true };
    }
  }
  throw new Error(`request ${id} kept changing under ${MAX_UPDATE_ATTEMPTS} attempts`);
}
