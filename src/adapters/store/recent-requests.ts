import type { RequestId } from '../../core/ids.ts';
import type { AccessRequest } from '../../core/request/request.ts';

/**
 * Enough for the requests a process is working on (the worker's concurrency, and a queue's worth between a request
 * being filed and applied), and small: about 2 KB of JSON each.
 */
const MAX_REMEMBERED = 1_000;

/**
 * The JSON of the requests this process last read or wrote, so `update` can skip its read when the copy is still
 * current (the compare-and-set decides that: it writes only over the same version). Never read as the truth: a copy
 * is only a first guess. Kept as JSON so no caller can change a remembered copy; the oldest go first.
 */
export function createRecentRequests(max = MAX_REMEMBERED) {
  const byId = new Map<string, string>();
  return {
    remember(id: string, json: string): void {
      byId.delete(id);
      byId.set(id, json);
      if (byId.size > max) byId.delete(byId.keys().next().value ?? '');
    },
    forget(id: string): void {
      byId.delete(id);
    },
    lastSeen(id: RequestId): AccessRequest | undefined {
      const json = byId.get(id);
      return json === undefined ? undefined : (JSON.parse(json) as AccessRequest);
    },
  };
}
