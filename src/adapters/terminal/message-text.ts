import type { Action, Message, MessagePart } from '../../core/messages/message.ts';
import { asRich, type Icon, type Inline, oneLine, type Text } from '../../core/messages/rich.ts';

/**
 * The neutral message as terminal text: the second renderer beside Slack's, reading the message's parts and spans
 * directly, so no chat platform's markup or ids reach a terminal. Buttons are numbered and returned with their
 * neutral action, so a terminal front end can turn "press 2" back into the action and its value.
 */
export interface TextButton {
  number: number;
  action: Action;
  value: string;
  label: string;
}

export interface RenderedText {
  lines: string[];
  buttons: TextButton[];
}

export interface TextOptions {
  /** Person id → name to show (`@alice` rather than `@U0ALICE`). */
  names?: Readonly<Record<string, string>>;
  /** The number the first button gets. */
  firstButton?: number;
}

const ICON_TEXT: Record<Icon, string> = {
  ok: '✓',
  failed: '✗',
  denied: '⛔',
  working: '…',
  expired: '⌛',
  warning: '⚠',
  locked: '🔒',
  unlocked: '🔓',
  cancelled: '✗',
  lapsed: '⌛',
  automatic: '⚙',
  notice: '✉',
  checking: '🔍',
  info: 'ℹ',
  unknown: '?',
  'break-glass': '🚨',
  reminder: '⏰',
  nudge: '🔔',
};

export function renderMessageText(message: Message, options: TextOptions = {}): RenderedText {
  const buttons: TextButton[] = [];
  const next = { number: options.firstButton ?? 1 };
  const names = options.names ?? {};
  const lines = message.parts.flatMap((part) => partLines(part, names, buttons, next));
  return { lines: lines.length > 0 ? lines : splitLines(richText(message.text, names)), buttons };
}

function partLines(
  part: MessagePart,
  names: Readonly<Record<string, string>>,
  buttons: TextButton[],
  next: { number: number },
): string[] {
  switch (part.kind) {
    case 'header':
      return [`== ${clean(part.text)} ==`];
    case 'text': {
      const text = richText(part.text, names);
      return text ? splitLines(text) : [];
    }
    case 'context':
      return splitLines(richText(part.text, names)).map((line) => `  ${line}`);
    case 'fields':
      return part.fields.flatMap((field) =>
        splitLines(`${clean(field.label)}: ${richText(field.value, names)}`).map((line, i) =>
          i > 0 ? `  ${line}` : line,
        ),
      );
    case 'code':
      return [
        ...(part.title === undefined ? [] : splitLines(richText(part.title, names))),
        ...part.lines.flatMap(splitLines).map((line) => `    ${clean(line)}`),
      ];
    case 'buttons': {
      const shown = part.buttons.map((button) => {
        const number = next.number++;
        buttons.push({ number, action: button.action, value: button.value, label: button.label });
        return `[${number}] ${clean(button.label)}`;
      });
      return [shown.join('  ')];
    }
  }
}

/** Rich text as plain characters: code in backquotes, people by name, typed text verbatim (on one line). */
export function richText(text: Text, names: Readonly<Record<string, string>> = {}): string {
  return asRich(text)
    .map((inline) => textInline(inline, names))
    .join('');
}

function splitLines(text: string): string[] {
  return text.split('\n');
}

/** A terminal never receives control characters from stored or typed text (no escape-sequence tricks). */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '�');
}

function textInline(inline: Inline, names: Readonly<Record<string, string>>): string {
  if (typeof inline === 'string') return clean(inline);
  switch (inline.kind) {
    case 'strong':
      return richText(inline.text, names);
    case 'em':
      return clean(inline.text);
    case 'code':
      return `\`${clean(inline.text)}\``;
    case 'cluster':
      return clean(inline.name);
    case 'person':
      return `@${clean(names[inline.id] ?? inline.id)}`;
    case 'said':
      return clean(oneLine(inline.text, inline.max));
    case 'icon':
      return ICON_TEXT[inline.icon];
    case 'place':
      return `#${clean(names[inline.id] ?? inline.id)}`;
    case 'link':
      return `${clean(inline.text)} (${clean(inline.url)})`;
    case 'everyone':
      return '@here';
  }
}
