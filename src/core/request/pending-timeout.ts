/** How long a request may wait for a decision when the cluster sets no `pendingTimeout`. */
export const DEFAULT_PENDING_TIMEOUT_MS = 24 * 3_600_000;

/** When an undecided request lapses: counted from when it was filed. */
export function lapsesAt(createdAt: number, pendingTimeoutMs: number | undefined): number {
  return createdAt + (pendingTimeoutMs ?? DEFAULT_PENDING_TIMEOUT_MS);
}
