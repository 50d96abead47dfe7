// Character-level pieces of the fast scanner (fast-scan.ts): one-line quoted and plain scalars. Each throws
// OUTSIDE_GRAMMAR (through `outside`) on anything it does not handle, and the scanner falls back.

export const OUTSIDE_GRAMMAR = Symbol('outside the fast grammar');

export function outside(): never {
  throw OUTSIDE_GRAMMAR;
}

export const SPACE = 32;
export const HASH = 35;
export const DASH = 45;
export const DOUBLE_QUOTE = 34;
export const SINGLE_QUOTE = 39;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
export const COMMA = 44;
const BACKSLASH = 92;

export function skipSpaces(text: string, from: number): number {
  let p = from;
  while (text.charCodeAt(p) === SPACE) p++;
  return p;
}

// A plain scalar ends at ' #', at the end of the line, or in flow context at ',' or ']'; trailing spaces are not
// part of it. Scans only the line, so the cost stays linear in the document.
export function plainEnd(text: string, p: number, lineEnd: number, context: 'block' | 'flow'): number {
  let end = lineEnd;
  for (let i = p; i < lineEnd; i++) {
    const c = text.charCodeAt(i);
    if (
      (c === HASH && text.charCodeAt(i - 1) === SPACE) ||
      (context === 'flow' && (c === COMMA || c === CLOSE_BRACKET))
    ) {
      end = i;
      break;
    }
  }
  while (end > p && text.charCodeAt(end - 1) === SPACE) end--;
  if (end === p) outside();
  return end;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '0': '\0',
};
const HEX_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };
const HEX = /^[0-9a-fA-F]+$/;

export function doubleQuoted(text: string, open: number, lineEnd: number): { text: string; end: number } {
  let value = '';
  let from = open + 1;
  for (let i = from; i < lineEnd; i++) {
    const c = text.charCodeAt(i);
    if (c === DOUBLE_QUOTE) return { text: value + text.slice(from, i), end: i + 1 };
    if (c !== BACKSLASH) continue;
    value += text.slice(from, i);
    const letter = text.charAt(i + 1);
    const simple = SIMPLE_ESCAPES[letter];
    if (simple !== undefined) {
      value += simple;
      i++;
    } else {
      const length = HEX_LENGTH[letter];
      if (length === undefined) outside();
      const hex = text.slice(i + 2, i + 2 + length);
      if (hex.length !== length || !HEX.test(hex) || i + 2 + length > lineEnd) outside();
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) outside();
      value += String.fromCodePoint(code);
      i += 1 + length;
    }
    from = i + 1;
  }
  return outside();
}

export function singleQuoted(text: string, open: number, lineEnd: number): { text: string; end: number } {
  let value = '';
  let from = open + 1;
  for (let i = from; i < lineEnd; i++) {
    if (text.charCodeAt(i) !== SINGLE_QUOTE) continue;
    value += text.slice(from, i);
    if (text.charCodeAt(i + 1) !== SINGLE_QUOTE || i + 1 >= lineEnd) return { text: value, end: i + 1 };
    value += "'";
    i++;
    from = i + 1;
  }
  return outside();
}
