import type { RequestId } from '../../core/ids.ts';
import type { Refusal } from '../../core/refusals.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import { type RequestEvent, transition } from '../../core/request/transitions.ts';
import type { Deps } from '../ports/deps.ts';

export type StoredTransition =
  | { ok: true; next: AccessRequest }
  | { ok: false; refusal: Refusal; request?: AccessRequest };

const MAX_CAS_ATTEMPTS = 20;

/**
 * One transition of a stored request by compare-and-set, re-reading on conflicts; a refusal comes back as a value
 * (with the request as it stood), so callers can answer the person who asked.
 */
export async function transitionStored(
  deps: Pick<Deps, 'store'>,
  id: RequestId,
  event: RequestEvent,
): Promise<StoredTransition> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const current = await deps.store.get(id);
    if (!current) return { ok: false, refusal: { code: 'unknown_request' } };
    const result = transition(current, event);
    if (!result.ok) return { ok: false, refusal: result.refusal, request: current };
    if (await deps.store.compareAndSet(result.next, current.version)) return { ok: true, next: result.next };
  }
  throw new Error(`request ${id} kept changing under ${MAX_CAS_ATTEMPTS} attempts`);
}
