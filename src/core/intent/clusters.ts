import { claim, freeWord, type Sentence, skipFillers } from './sentence.ts';
import { CLUSTER_FILLERS, CLUSTER_PREPOSITIONS, DIAGNOSE_OBJECT_VERBS, RESERVED_WORDS } from './vocab.ts';

// EKS allows letters, digits, `-` and `_` (≤ 100); other letters are let through so that a typo in
// another script still reaches "unknown cluster".
const CLUSTERISH = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,99}$/u;
const DIGITS = /^\d+$/;

/** Claims the first word (or hyphen-joined pair, "prod cluster") equal to a configured name or alias. */
export function takeKnownCluster(
  sentence: Sentence,
  names: readonly string[],
): { name: string; index: number } | undefined {
  const byLower = new Map<string, string>();
  for (const name of names) if (!byLower.has(name.toLowerCase())) byLower.set(name.toLowerCase(), name);
  if (byLower.size === 0) return undefined;
  for (let index = 0; index < sentence.tokens.length; index++) {
    const word = freeWord(sentence, index);
    if (word === undefined) continue;
    const next = freeWord(sentence, index + 1);
    const pair = next === undefined ? undefined : byLower.get(`${word.word}-${next.word}`);
    if (pair !== undefined) {
      claim(sentence, index, 2);
      return { name: pair, index };
    }
    const single = byLower.get(word.word);
    if (single !== undefined) {
      claim(sentence, index);
      return { name: single, index };
    }
  }
  return undefined;
}

export type CandidateMode = 'any' | 'diagnose';

/**
 * An unknown cluster word, raw: the word after a preposition (`--cluster`, then on/at/in…, then
 * to/for/from/with, skipping "the" and "cluster"), else a leftover word that means nothing else.
 * In diagnose mode a leftover only counts right after "why", "diagnose", "access"… (`why prod`).
 */
export function findClusterCandidate(sentence: Sentence, mode: CandidateMode): string | undefined {
  for (const prepositions of CLUSTER_PREPOSITIONS) {
    for (let index = 0; index < sentence.tokens.length; index++) {
      const word = freeWord(sentence, index);
      if (word === undefined || !prepositions.has(word.word)) continue;
      const candidate = freeWord(sentence, skipFillers(sentence, index + 1, CLUSTER_FILLERS));
      if (candidate !== undefined && isCandidate(candidate.clean)) return candidate.clean;
    }
  }
  for (let index = 0; index < sentence.tokens.length; index++) {
    const word = freeWord(sentence, index);
    if (word === undefined || !isCandidate(word.clean)) continue;
    if (mode === 'any') return word.clean;
    const previous = sentence.tokens[index - 1];
    if (previous?.kind === 'word' && DIAGNOSE_OBJECT_VERBS.has(previous.word)) return word.clean;
  }
  return undefined;
}

/** Could name a cluster and means nothing else to the parser. */
export function isCandidate(clean: string): boolean {
  return CLUSTERISH.test(clean) && !DIGITS.test(clean) && !RESERVED_WORDS.has(clean.toLowerCase());
}
