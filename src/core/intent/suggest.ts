const MAX_INPUT = 128;

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous2: number[] = [];
  let previous: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (previous2[j - 2] ?? 0) + 1);
      }
      current.push(best);
    }
    previous2 = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Edits allowed for an input of this length: 40 % of it, at least 2. */
function editThreshold(length: number): number {
  return Math.max(2, Math.floor(length * 0.4));
}

/**
 * The candidate a person most likely meant, compared case-insensitively: an exact match, then one
 * that starts with the input, then one containing it (or contained in it), then the smallest edit
 * distance within `editThreshold` that is not a total rewrite, then an abbreviation (`stg` →
 * `staging`). Ties go to the earlier candidate.
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.trim().toLowerCase();
  if (needle === '' || needle.length > MAX_INPUT) return undefined;
  let best: { candidate: string; rank: number; distance: number } | undefined;
  for (const candidate of candidates) {
    const scored = score(needle, candidate.toLowerCase());
    if (scored === undefined) continue;
    if (
      best === undefined ||
      scored.rank < best.rank ||
      (scored.rank === best.rank && scored.distance < best.distance)
    ) {
      best = { candidate, ...scored };
    }
  }
  return best?.candidate;
}

function score(needle: string, name: string): { rank: number; distance: number } | undefined {
  if (name === '' || name.length > MAX_INPUT) return undefined;
  if (name === needle) return { rank: 0, distance: 0 };
  const gap = Math.abs(name.length - needle.length);
  if (needle.length >= 3 && name.startsWith(needle)) return { rank: 1, distance: gap };
  if (needle.length >= 3 && name.includes(needle)) return { rank: 2, distance: gap };
  if (name.length >= 3 && needle.includes(name)) return { rank: 2, distance: gap };
  const distance = gap > editThreshold(needle.length) ? Number.POSITIVE_INFINITY : editDistance(needle, name);
  if (distance <= editThreshold(needle.length) && distance < Math.min(needle.length, name.length)) {
    return { rank: 3, distance };
  }
  if (isAbbreviation(needle, name)) return { rank: 4, distance: gap };
  return undefined;
}

/** `stg` for `staging`, `prd` for `prod-cluster`: same first letter, the rest in order. */
function isAbbreviation(needle: string, name: string): boolean {
  if (needle.length < 3 || needle[0] !== name[0]) return false;
  let at = 0;
  for (const char of name) if (char === needle[at]) at++;
  return at >= needle.length;
}
