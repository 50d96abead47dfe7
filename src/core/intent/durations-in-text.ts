import { durationSyntaxMs, isAllowedDuration } from './duration.ts';
import { claim, freeWord, type Sentence, skipFillers } from './sentence.ts';
import {
  BAD_UNIT,
  DURATION_FILLERS,
  DURATION_MARKERS,
  EXPLICIT_DURATION_MARKERS,
  FOREVER_WORDS,
  UNTIL_WORDS,
} from './vocab.ts';

const MAX_PHRASE_WORDS = 6;
const NUMBERISH = /^\d+(?:\.\d+)?[a-z]*$/;
const STARTS_WITH_DIGIT = /^\d/;
// `-5h`, `-5 hours`, `−2d` (U+2212): a length of time is never negative, so these are asked about, not dropped.
const NEGATIVE = /^[-\u2212]\d/;

export interface DurationResult {
  ms?: number;
  /** The offending text when a duration was attempted but is malformed or out of bounds. */
  invalid?: string;
  /** Set with `invalid` when the attempt was a negative number (`for -5h`). */
  isNegative?: boolean;
}

/**
 * Claims the first duration: `for 4h`, `for the next 2 hours`, `for a day`, a bare `30m` or
 * `90 minutes`, `--duration 4h`. Durations outside 1m … 30d, unknown units (`2w`, `4 weeks`), a bare
 * number after "for", "forever", a negative length and anything after `--duration` that is not a length
 * are reported as invalid.
 */
export function takeDuration(sentence: Sentence): DurationResult {
  for (let index = 0; index < sentence.tokens.length; index++) {
    const word = freeWord(sentence, index);
    if (word === undefined) continue;
    if (DURATION_MARKERS.has(word.word)) {
      const start = skipFillers(sentence, index + 1, DURATION_FILLERS);
      const found = longestDuration(sentence, start);
      if (found !== undefined) {
        claim(sentence, index, found.end - index);
        return bounded(found.ms, found.text);
      }
      const negative = negativeAt(sentence, start);
      if (negative !== undefined) {
        claim(sentence, index, start + negative.count - index);
        return { invalid: negative.text, isNegative: true };
      }
      const next = freeWord(sentence, start);
      const following = freeWord(sentence, start + 1);
      // "for" is ordinary English ("for debugging"), but `--duration` promises that a length follows.
      const isExplicit = EXPLICIT_DURATION_MARKERS.has(word.word);
      if (next !== undefined && (isExplicit || isAttempt(next.word, following?.word))) {
        const withUnit = following !== undefined && BAD_UNIT.test(following.word);
        claim(sentence, index, start + (withUnit ? 2 : 1) - index);
        return { invalid: withUnit ? `${next.clean} ${following.clean}` : next.clean };
      }
      continue;
    }
    if (FOREVER_WORDS.has(word.word) && word.word !== 'ever' && word.word !== 'always') {
      claim(sentence, index);
      return { invalid: word.clean };
    }
    const until = UNTIL_WORDS.has(word.word) ? freeWord(sentence, index + 1) : undefined;
    if (until !== undefined) {
      // End times ("until 5pm", "till tomorrow") need a clock; ask for a length instead.
      claim(sentence, index, 2);
      return { invalid: `${word.clean} ${until.clean}` };
    }
    const negative = negativeAt(sentence, index);
    if (negative !== undefined) {
      claim(sentence, index, negative.count);
      return { invalid: negative.text, isNegative: true };
    }
    if (!STARTS_WITH_DIGIT.test(word.word)) continue;
    const found = longestDuration(sentence, index);
    if (found !== undefined) {
      claim(sentence, index, found.end - index);
      return bounded(found.ms, found.text);
    }
    const following = freeWord(sentence, index + 1);
    if (hasBadUnit(word.word, following?.word)) {
      const withUnit = following !== undefined && BAD_UNIT.test(following.word);
      claim(sentence, index, withUnit ? 2 : 1);
      return { invalid: withUnit ? `${word.clean} ${following.clean}` : word.clean };
    }
  }
  return {};
}

function bounded(ms: number, text: string): DurationResult {
  return isAllowedDuration(ms) ? { ms } : { invalid: text };
}

/** `-5h` (one word) or `-5 hours` (two); undefined when the word at `index` is not a negative number. */
function negativeAt(sentence: Sentence, index: number): { count: number; text: string } | undefined {
  const word = freeWord(sentence, index);
  if (word === undefined || !NEGATIVE.test(word.word)) return undefined;
  const following = freeWord(sentence, index + 1);
  const isUnit =
    following !== undefined && (durationSyntaxMs(`1 ${following.word}`) !== undefined || BAD_UNIT.test(following.word));
  return isUnit && /^[-\u2212][\d.]+$/.test(word.word)
    ? { count: 2, text: `${word.clean} ${following.clean}` }
    : { count: 1, text: word.clean };
}

/** After "for": a number of any shape, "forever", or "a week". */
function isAttempt(word: string, following: string | undefined): boolean {
  if (NUMBERISH.test(word) || FOREVER_WORDS.has(word)) return true;
  return (word === 'a' || word === 'an') && following !== undefined && BAD_UNIT.test(following);
}

/** `2w`, `10s`, `4 weeks`. */
function hasBadUnit(word: string, following: string | undefined): boolean {
  const unit = /^\d+(?:\.\d+)?([a-z]+)$/.exec(word)?.[1];
  if (unit !== undefined) return BAD_UNIT.test(unit);
  return /^\d+(?:\.\d+)?$/.test(word) && following !== undefined && BAD_UNIT.test(following);
}

function longestDuration(sentence: Sentence, start: number): { ms: number; end: number; text: string } | undefined {
  const words: string[] = [];
  const raws: string[] = [];
  for (let index = start; index < start + MAX_PHRASE_WORDS; index++) {
    const word = freeWord(sentence, index);
    if (word === undefined) break;
    words.push(word.word);
    raws.push(word.clean);
  }
  for (let count = words.length; count > 0; count--) {
    const ms = durationSyntaxMs(words.slice(0, count).join(' '));
    if (ms !== undefined) return { ms, end: start + count, text: raws.slice(0, count).join(' ') };
  }
  return undefined;
}
