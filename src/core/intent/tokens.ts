import type { PersonId } from '../ids.ts';
import { type MessagePart, personText } from './message-text.ts';

/** A whitespace-separated word: `raw` as typed, `clean` without edge punctuation, `word` lower-cased. */
export interface WordToken {
  readonly kind: 'word';
  readonly raw: string;
  readonly clean: string;
  readonly word: string;
}

export interface MentionToken {
  readonly kind: 'mention';
  readonly userId: PersonId;
  /** `@label` or `@U123`, for quoting. */
  readonly display: string;
}

export type Token = WordToken | MentionToken;

const EDGE_PUNCTUATION = new Set([...`"'\`“”‘’«»()[]{}<>.,;:!?¿¡…`]);
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/gu;
const CONTROL = /\p{Cc}/gu;
const WHITESPACE = /\s+/u;
const CURLY_APOSTROPHE = /[‘’ʼ]/gu;

// `namespace=foo`, `ns:a,b`, `--cluster=prod`, `-n=foo`, `duration=4h`, `reason=INC-1` …
const KEY_VALUE = /^(-{0,2})([a-z]+)[=:](.*)$/is;
const KEY_MARKERS: ReadonlyMap<string, string | undefined> = new Map([
  ['namespace', '--namespace'],
  ['namespaces', '--namespace'],
  ['ns', '--namespace'],
  ['n', '--namespace'],
  ['cluster', '--cluster'],
  ['context', '--cluster'],
  ['duration', '--duration'],
  ['ttl', '--duration'],
  ['reason', '--reason'],
  ['level', undefined],
  ['role', undefined],
]);

/** Strips quotes, brackets and sentence punctuation from both ends (not `-`, `*`, `@`, `#`). */
function trimPunctuation(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && EDGE_PUNCTUATION.has(text.charAt(start))) start++;
  while (end > start && EDGE_PUNCTUATION.has(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

function wordToken(raw: string): WordToken {
  const clean = trimPunctuation(raw);
  return { kind: 'word', raw, clean, word: clean.toLowerCase().replace(CURLY_APOSTROPHE, "'") };
}

/** Splits a decoded message into words and mentions of people. Never throws. */
export function tokenize(parts: readonly MessagePart[]): Token[] {
  const tokens: Token[] = [];
  let buffer = '';
  const flush = (): void => {
    // NFKC folds full-width and other compatibility forms ("ｇｒａｎｔ" → "grant").
    const plain = buffer.normalize('NFKC').replace(INVISIBLE, '').replace(CONTROL, ' ');
    for (const piece of plain.split(WHITESPACE)) if (piece !== '') tokens.push(...expandKeyValue(piece));
    buffer = '';
  };
  for (const part of parts) {
    if (part.kind === 'person') {
      flush();
      tokens.push({ kind: 'mention', userId: part.id, display: personText(part) });
    } else {
      buffer += part.text;
    }
  }
  flush();
  return tokens;
}

function expandKeyValue(piece: string): WordToken[] {
  const token = wordToken(piece);
  const match = KEY_VALUE.exec(token.clean);
  if (match === null) return [token];
  const dashes = match[1] ?? '';
  const key = (match[2] ?? '').toLowerCase();
  if (!KEY_MARKERS.has(key) || (key === 'n' && dashes === '')) return [token];
  const marker = KEY_MARKERS.get(key);
  const value = wordToken(match[3] ?? '');
  const out: WordToken[] = [];
  if (marker !== undefined) out.push({ kind: 'word', raw: `${dashes}${match[2] ?? ''}`, clean: marker, word: marker });
  if (value.clean !== '') out.push(value);
  return out;
}

/** Tokens back as readable text, single-spaced. */
export function renderTokens(tokens: readonly Token[]): string {
  return tokens
    .map((token) => (token.kind === 'word' ? token.raw : token.display))
    .join(' ')
    .trim();
}
