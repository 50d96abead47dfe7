import type { PersonId } from '../ids.ts';

/** One piece of a chat message as the parser reads it: plain text, or a person the chat front end linked. */
export type MessagePart = { kind: 'text'; text: string } | { kind: 'person'; id: PersonId; label?: string };

/**
 * A chat message with the chat's markup already decoded by its adapter: plain text and the people it mentions,
 * in order. `length` is the message's size as the chat sent it (markup included), so the too-long limit applies to
 * what arrived, not to what is left after decoding — the adapter clips what it stores just past the limit.
 */
export interface MessageText {
  parts: readonly MessagePart[];
  length: number;
}

/** A message with no mentions (a test, a terminal, a chat whose people are not linked). */
export function plainMessage(text: string): MessageText {
  return { parts: text === '' ? [] : [{ kind: 'text', text }], length: text.length };
}

/** How a mentioned person reads in plain text: `@label`, or `@id` when the chat gave no label. */
export function personText(part: { id: PersonId; label?: string }): string {
  return `@${part.label ?? part.id}`;
}

/** The message as one string, each person written as `@label`/`@id`. */
export function plainText(parts: readonly MessagePart[]): string {
  return parts.map((part) => (part.kind === 'text' ? part.text : personText(part))).join('');
}

/** The parts after a person mentioned first (the bot, in a channel mention), for the one-line command grammars. */
export function withoutLeadingPerson(parts: readonly MessagePart[]): readonly MessagePart[] {
  let first = 0;
  while (isBlank(parts[first])) first++;
  return parts[first]?.kind === 'person' ? parts.slice(first + 1) : parts;
}

function isBlank(part: MessagePart | undefined): boolean {
  return part?.kind === 'text' && /^\s*$/.test(part.text);
}
