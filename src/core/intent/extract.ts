import type { Level } from '../levels.ts';
import { MAX_ARN_CHARS, MAX_REASON_CHARS, type Subject } from './intent.ts';
import { claim, freeWord, type Sentence, skipFillers } from './sentence.ts';
import { renderTokens, type Token } from './tokens.ts';
import {
  BREAK_GLASS_WORDS,
  DURATION_MARKERS,
  levelOf,
  REASON_NOUN_CUES,
  REASON_WORDS,
  TICKET_FILLERS,
} from './vocab.ts';

const ARN = /^arn:aws[a-z-]*:(?:iam|sts)::\S+$/;
const TICKET = /^[A-Z][A-Z0-9]{1,15}-\d{1,10}$/;
const BROADCASTS = new Set(['@here', '@channel', '@everyone']);

/** Splits off the reason: everything after "because", "reason:", "reason", "due to", `reason=`. */
export function splitReason(tokens: readonly Token[]): { body: readonly Token[]; reason?: string } {
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token?.kind !== 'word') continue;
    const previous = tokens[index - 1];
    const previousWord = previous?.kind === 'word' ? previous.word : '';
    const next = tokens[index + 1];
    const isMarker =
      REASON_WORDS.has(token.word) ||
      (token.word === 'reason' && !REASON_NOUN_CUES.has(previousWord)) ||
      (token.word === 'due' && next?.kind === 'word' && next.word === 'to');
    if (!isMarker) continue;
    const skip = token.word === 'due' ? 2 : 1;
    const text = renderTokens(tokens.slice(index + skip))
      .replace(/^[\s:=,;.-]+/u, '')
      .slice(0, MAX_REASON_CHARS)
      .trim();
    return text === '' ? { body: tokens.slice(0, index) } : { body: tokens.slice(0, index), reason: text };
  }
  return { body: tokens };
}

/** Claims the first IAM or STS ARN (`arn:aws…:iam::…`, `arn:aws…:sts::…`), at most 2048 chars. */
export function takeArn(sentence: Sentence): string | undefined {
  for (let index = 0; index < sentence.tokens.length; index++) {
    const word = freeWord(sentence, index);
    if (word === undefined || word.clean.length > MAX_ARN_CHARS || !ARN.test(word.clean)) continue;
    claim(sentence, index);
    return word.clean;
  }
  return undefined;
}

/** Claims the first level word, trying two-word forms first ("read only", "cluster admin"). */
export function takeLevel(sentence: Sentence): { level: Level; index: number } | undefined {
  for (let index = 0; index < sentence.tokens.length; index++) {
    const word = freeWord(sentence, index);
    if (word === undefined) continue;
    const next = freeWord(sentence, index + 1);
    const pair = next === undefined ? undefined : levelOf(`${word.word}-${next.word}`);
    if (pair !== undefined) {
      claim(sentence, index, 2);
      return { level: pair, index };
    }
    const single = levelOf(word.word);
    if (single !== undefined) {
      claim(sentence, index);
      return { level: single, index };
    }
  }
  return undefined;
}

/** Claims "break glass", "break-glass", "breakglass", "break_glass". */
export function takeBreakGlass(sentence: Sentence): boolean {
  let found = false;
  for (let index = 0; index < sentence.tokens.length; index++) {
    const word = freeWord(sentence, index)?.word.replaceAll('_', '-');
    if (word === undefined) continue;
    if (BREAK_GLASS_WORDS.has(word)) {
      claim(sentence, index);
      found = true;
    } else if (word === 'break' && freeWord(sentence, index + 1)?.word === 'glass') {
      claim(sentence, index, 2);
      found = true;
    }
  }
  return found;
}

/** Claims a ticket id right after "for" ("for INC-123", "for ticket OPS-9"). */
export function takeTicket(sentence: Sentence): string | undefined {
  for (let index = 0; index < sentence.tokens.length; index++) {
    const word = freeWord(sentence, index);
    if (word === undefined || !DURATION_MARKERS.has(word.word)) continue;
    const at = skipFillers(sentence, index + 1, TICKET_FILLERS);
    const ticket = freeWord(sentence, at);
    if (ticket === undefined || !TICKET.test(ticket.clean)) continue;
    claim(sentence, index, at + 1 - index);
    return ticket.clean;
  }
  return undefined;
}

const GIVING_VERBS = new Set(['give', 'grant', 'add', 'allow']);

/**
 * A plain word right after "give"/"grant" that is neither a keyword nor the cluster ("give bob view on
 * prod"): most likely a person's name that Slack did not turn into a mention.
 */
export function findStrayRecipient(sentence: Sentence, isName: (clean: string) => boolean): string | undefined {
  for (let index = 0; index < sentence.tokens.length; index++) {
    const verb = freeWord(sentence, index);
    if (verb === undefined || !GIVING_VERBS.has(verb.word)) continue;
    const next = freeWord(sentence, index + 1);
    return next !== undefined && isName(next.clean) ? next.clean : undefined;
  }
  return undefined;
}

export type SubjectResult = { subject: Subject } | { ambiguous: string };

/**
 * The subject: the one user mentioned, else a plain-text `@name` Slack did not link (looked up later), else self.
 * Two different people (mentions or names) are ambiguous: picking one, or the writer, would be wrong.
 */
export function takeSubject(sentence: Sentence): SubjectResult {
  let subject: Subject = { kind: 'self' };
  for (let index = 0; index < sentence.tokens.length; index++) {
    const token = sentence.tokens[index];
    if (token === undefined || sentence.used[index] === true) continue;
    if (token.kind === 'mention') {
      if (subject.kind === 'unresolved' || (subject.kind === 'user' && subject.userId !== token.userId)) {
        return { ambiguous: token.display };
      }
      subject = { kind: 'user', userId: token.userId };
      claim(sentence, index);
    } else if (token.word.startsWith('@') && token.word.length > 1 && !BROADCASTS.has(token.word)) {
      const name = token.clean.replace(/^@/, '');
      if (subject.kind === 'user' || (subject.kind === 'unresolved' && subject.name !== name)) {
        return { ambiguous: token.clean };
      }
      subject = { kind: 'unresolved', name };
      claim(sentence, index);
    }
  }
  return { subject };
}
