/**
 * Round-robin shares of `budget` over groups of `counts` items: every group with items gets one before any gets a
 * second, so one cluster with many candidates cannot starve the others.
 */
export function shareOut(budget: number, counts: readonly number[]): number[] {
  const shares = counts.map(() => 0);
  let left = budget;
  let progressed = true;
  while (left > 0 && progressed) {
    progressed = false;
    for (let i = 0; i < counts.length && left > 0; i++) {
      if ((shares[i] ?? 0) < (counts[i] ?? 0)) {
        shares[i] = (shares[i] ?? 0) + 1;
        left -= 1;
        progressed = true;
      }
    }
  }
  return shares;
}

/**
 * `take` items of a ring starting at `cursor` (wrapping), and where the next window starts: over successive calls
 * every item is visited, whatever the ring's length did meanwhile.
 */
export function ringWindow<T>(items: readonly T[], cursor: number, take: number): { window: T[]; next: number } {
  if (items.length === 0) return { window: [], next: 0 };
  const start = cursor % items.length;
  const count = Math.min(take, items.length);
  const window = Array.from({ length: count }, (_, i) => items[(start + i) % items.length] as T);
  return { window, next: (start + count) % items.length };
}
