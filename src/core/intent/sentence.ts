import type { Token, WordToken } from './tokens.ts';

/** Tokens of a message plus which of them an extractor has already claimed. */
export interface Sentence {
  readonly tokens: readonly Token[];
  readonly used: boolean[];
}

export function sentenceOf(tokens: readonly Token[]): Sentence {
  return { tokens, used: tokens.map(() => false) };
}

/** The word at `index` if nothing has claimed it yet. */
export function freeWord(sentence: Sentence, index: number): WordToken | undefined {
  const token = sentence.tokens[index];
  return token?.kind === 'word' && sentence.used[index] !== true ? token : undefined;
}

export function claim(sentence: Sentence, from: number, count = 1): void {
  for (let index = from; index < from + count && index < sentence.used.length; index++) sentence.used[index] = true;
}

/** Index of the first free word from `from` on that is not one of `fillers`. */
export function skipFillers(sentence: Sentence, from: number, fillers: ReadonlySet<string>): number {
  let index = from;
  for (let word = freeWord(sentence, index); word !== undefined && fillers.has(word.word); ) {
    index++;
    word = freeWord(sentence, index);
  }
  return index;
}

/** Claims every free occurrence of these words. */
export function claimWords(sentence: Sentence, words: ReadonlySet<string>): void {
  sentence.tokens.forEach((_token, index) => {
    const word = freeWord(sentence, index);
    if (word !== undefined && words.has(word.word)) sentence.used[index] = true;
  });
}
