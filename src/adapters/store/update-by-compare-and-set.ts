import type { TransitionAuditEvent } from '../../core/audit/transition-event.ts';
import type { RequestId } from '../../core/ids.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import { planUpdate } from '../../core/request/update-decision.ts';
import type { Decide, UpdateResult } from '../../usecases/ports/requests.ts';

/** The primitive under `update`: writes `next` and its audit event only when the stored version is `expectedVersion`. */
export interface CompareAndSet {
  get(id: RequestId): Promise<AccessRequest | undefined>;
  compareAndSet(next: AccessRequest, expectedVersion: number, audit?: TransitionAuditEvent): Promise<boolean>;
  /** The copy of the request this process last read or wrote, if it still has one; tried before reading. */
  lastSeen?(id: RequestId): AccessRequest | undefined;
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
): Promise<UpdateResult> {
  // A request is usually changed by the process that wrote it a moment ago (filed then auto-approved; applying then
  // granted): that copy saves the read when it is still current, which the compare-and-set checks (same version). A
  // stale copy costs one refused write, then the loop below reads as before. Only a write is decided on it: a
  // refusal or a "keep" decided on a stale copy could be wrong, so those are decided again on a fresh read.
  const seen = store.lastSeen?.(id);
  if (seen) {
    const plan = planUpdate(seen, await decide(seen));
    if (plan.kind === 'write' && (await store.compareAndSet(plan.next, seen.version, plan.audit))) {
      return { ok: true, request: plan.next, previous: seen, hasChanged: true };
    }
  }
  for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
    const current = await store.get(id);
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
