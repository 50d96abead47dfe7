import { freeWord, type Sentence } from './sentence.ts';
import {
  ACCESS_NOUNS,
  DIAGNOSE_SIGNALS,
  HELP_WORDS,
  NEGATIONS,
  STATUS_NOUNS,
  STRONG_VERBS,
  UNAMBIGUOUS_VERBS,
  type VerbKind,
  WEAK_GRANT_WORDS,
} from './vocab.ts';

/** What the words of a message suggest, before deciding. */
export interface Cues {
  /** The verb that settles the request, if any. */
  verb?: VerbKind;
  weakGrant: boolean;
  accessNoun: boolean;
  diagnose: boolean;
  status: boolean;
  help: boolean;
}

/**
 * Reads the unclaimed words. A strong verb counts only in the head of the message (before the level
 * or known cluster), so "need edit on prod to drop a table" stays a grant; the unambiguous ones
 * ("grant", "revoke", "why" …) count anywhere.
 */
export function readCues(sentence: Sentence, headEnd: number): Cues {
  const words: string[] = [];
  for (let index = 0; index < sentence.tokens.length; index++) words.push(freeWord(sentence, index)?.word ?? '');
  const verb = headVerb(words, headEnd) ?? words.map((word) => unambiguous(word)).find((kind) => kind !== undefined);
  return {
    ...(verb === undefined ? {} : { verb }),
    weakGrant: words.some((word) => WEAK_GRANT_WORDS.has(word)),
    accessNoun: words.some((word) => ACCESS_NOUNS.has(word)),
    diagnose: words.some((word) => DIAGNOSE_SIGNALS.has(word)),
    status: isStatusQuestion(words),
    help: words.some((word) => HELP_WORDS.has(word)) || isCapabilityQuestion(words),
  };
}

function headVerb(words: readonly string[], headEnd: number): VerbKind | undefined {
  for (let index = 0; index < Math.min(headEnd, words.length); index++) {
    const word = words[index] ?? '';
    const next = words[index + 1] ?? '';
    const previous = words[index - 1] ?? '';
    if (word === 'give' && next === 'up') return 'revoke';
    if ((word === 'need' || word === 'want') && NEGATIONS.has(previous)) return 'revoke';
    const kind = STRONG_VERBS.get(word);
    if (kind !== undefined) return kind;
  }
  return undefined;
}

function unambiguous(word: string): VerbKind | undefined {
  return UNAMBIGUOUS_VERBS.has(word) ? STRONG_VERBS.get(word) : undefined;
}

/** "my access", "my requests", "what access do I have". */
function isStatusQuestion(words: readonly string[]): boolean {
  for (let index = 0; index < words.length - 1; index++) {
    if (words[index] === 'my' && STATUS_NOUNS.has(words[index + 1] ?? '')) return true;
  }
  const asks = words.includes('what') || words.includes('which');
  return asks && words.includes('have') && (words.includes('i') || words.includes('do'));
}

/** "what can you do", "what do you do". */
function isCapabilityQuestion(words: readonly string[]): boolean {
  return words.includes('what') && words.includes('you') && (words.includes('do') || words.includes('can'));
}
