import type { PersonId } from '../ids.ts';

/**
 * Inline text of a neutral message: plain strings and typed spans, never a chat platform's markup. A renderer
 * (Slack mrkdwn, terminal text, …) decides how each span looks; a plain string is text the program wrote and is
 * shown as it is, while anything a person typed goes in a `said` span, which every renderer neutralises its own way.
 */
export type Inline = string | Span;
export type Rich = readonly Inline[];
/** Where a message takes text: a plain string, or rich text. */
export type Text = string | Rich;

/** A neutral status mark at the start of a line; each renderer picks its own symbol (Slack: an emoji). */
export type Icon =
  | 'ok'
  | 'failed'
  | 'denied'
  | 'working'
  | 'expired'
  | 'warning'
  | 'locked'
  | 'unlocked'
  | 'cancelled'
  | 'lapsed'
  | 'automatic'
  | 'notice'
  | 'checking'
  | 'info'
  | 'unknown'
  | 'break-glass'
  | 'reminder'
  /** Nudges someone about a decision still waiting on them. */
  | 'nudge';

export type Span =
  | { kind: 'strong'; text: Rich }
  | { kind: 'em'; text: string }
  /** Copyable text: a name, an ARN, a command. `foreign`: it came from outside (AWS, a person), not from the program. */
  | { kind: 'code'; text: string; foreign?: true }
  | { kind: 'person'; id: PersonId }
  | { kind: 'cluster'; name: string }
  /** What a person typed, quoted back: one line, at most `max` characters, never able to format or mention. */
  | { kind: 'said'; text: string; max: number }
  | { kind: 'icon'; icon: Icon }
  /** A conversation of the chat platform, by its id (a channel). */
  | { kind: 'place'; id: string }
  | { kind: 'link'; url: string; text: string }
  /** Notifies everyone present in the conversation (Slack: @here). */
  | { kind: 'everyone' };

/** Longest piece of user text quoted back in a message; longer input is cut with an ellipsis. */
export const USER_TEXT_MAX = 300;

export const strong = (text: Text | Span): Span => ({ kind: 'strong', text: asRich(text) });
export const em = (text: string): Span => ({ kind: 'em', text });
export const code = (text: string): Span => ({ kind: 'code', text });
/** Code from outside the program (an ARN from AWS, a pasted identity): renderers escape it as well. */
export const foreignCode = (text: string): Span => ({ kind: 'code', text, foreign: true });
export const person = (id: string): Span => ({ kind: 'person', id: id as PersonId });
export const cluster = (name: string): Span => ({ kind: 'cluster', name });
export const said = (text: string, max = USER_TEXT_MAX): Span => ({ kind: 'said', text, max });
export const icon = (name: Icon): Span => ({ kind: 'icon', icon: name });
export const place = (id: string): Span => ({ kind: 'place', id });
export const link = (url: string, text: string): Span => ({ kind: 'link', url, text });
export const everyone: Span = { kind: 'everyone' };

/**
 * Rich text from a template: `rich\`${person(id)} asks for ${strong(level)}.\``. Interpolated strings stay plain
 * text, spans stay spans and rich values are spliced in, so a message file reads like the sentence it builds.
 */
export function rich(literals: TemplateStringsArray, ...values: readonly (Text | number | Span)[]): Rich {
  const out: Inline[] = [];
  literals.forEach((literal, i) => {
    if (literal) out.push(literal);
    if (i < values.length) out.push(...asRich(values[i] as Text | number | Span));
  });
  return merged(out);
}

/** Any text as rich text. */
export function asRich(value: Text | number | Span): Rich {
  if (typeof value === 'number') return [String(value)];
  if (typeof value === 'string') return value ? [value] : [];
  if (isSpan(value)) return [value];
  return value;
}

/** Pieces joined by a separator: `join(ids.map(code), ', ')`. */
export function join(pieces: readonly (Text | Span)[], separator: Text): Rich {
  const out: Inline[] = [];
  pieces.forEach((piece, i) => {
    if (i > 0) out.push(...asRich(separator));
    out.push(...asRich(piece));
  });
  return merged(out);
}

/** Lines joined by line breaks. */
export function lines(pieces: readonly (Text | Span)[]): Rich {
  return join(pieces, '\n');
}

/** "• a\n• b". */
export function bullets(pieces: readonly (Text | Span)[]): Rich {
  return lines(pieces.map((piece) => rich`• ${piece}`));
}

/** Whether the text shows nothing. */
export function isEmpty(text: Text): boolean {
  return asRich(text).length === 0;
}

/**
 * The text as plain characters, for places that keep a string (a stored failure, an audit detail, a CLI line):
 * code keeps its backquotes, a person is `@id`, icons are left out. Chat messages go through a renderer instead.
 */
export function plainText(text: Text): string {
  return asRich(text)
    .map((inline) => plainInline(inline))
    .join('')
    .replace(/^ +/, '');
}

/** What a person typed, on one line and cut at `max` (with an ellipsis): how every renderer quotes it. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function isSpan(value: unknown): value is Span {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'kind' in value;
}

/** Adjacent strings become one, so equal texts have one shape (content hashes compare them). */
function merged(inlines: readonly Inline[]): Rich {
  const out: Inline[] = [];
  for (const inline of inlines) {
    const last = out[out.length - 1];
    if (typeof inline === 'string' && typeof last === 'string') out[out.length - 1] = last + inline;
    else if (inline !== '') out.push(inline);
  }
  return out;
}

function plainInline(inline: Inline): string {
  if (typeof inline === 'string') return inline;
  switch (inline.kind) {
    case 'strong':
      return inline.text.map(plainInline).join('');
    case 'em':
      return inline.text;
    case 'code':
      return `\`${inline.text}\``;
    case 'cluster':
      return `\`${inline.name}\``;
    case 'person':
      return `@${inline.id}`;
    case 'said':
      return oneLine(inline.text, inline.max);
    case 'icon':
      return '';
    case 'place':
      return `#${inline.id}`;
    case 'link':
      return inline.text;
    case 'everyone':
      return '@here';
  }
}
