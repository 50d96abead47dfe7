/**
 * Block Kit → plain terminal text, for the demo's terminal chat (and anything else that shows a Slack message
 * where Slack is not). It reads Block Kit generically, by block and element type, never by the bot's own action
 * ids or wording, so a new card renders without a change here. Buttons are numbered from `firstButton` and returned,
 * so the caller can turn "/click 2" back into the button's action id and value.
 */
import { parseSlackMarkup, type SlackSegment } from '../../src/adapters/slack/slack-markup.ts';

export interface TextButton {
  number: number;
  actionId: string;
  value: string | undefined;
  label: string;
  blockId: string | undefined;
  url: string | undefined;
}

export interface RenderOptions {
  /** Slack user id → name to show (`@alice` rather than `@U0ALICE`); channel ids → names the same way. */
  names?: Readonly<Record<string, string>>;
  /** The number the first button gets. */
  firstButton?: number;
  /**
   * Buttons shown without a number (`‹Label›`) and not returned: where `/click` cannot reach them (inside a modal,
   * whose block_actions the terminal does not send), a number would promise a click that does nothing.
   */
  unpressable?: boolean;
}

export interface RenderedText {
  lines: string[];
  buttons: TextButton[];
}

/** The loosely typed shape of a block or element: Block Kit is JSON from the wire, so every field is checked. */
type Json = Record<string, unknown>;

/** A message's blocks as text lines; the fallback `text` when it has none. */
export function renderBlockKitAsText(
  message: { text?: string | undefined; blocks?: readonly unknown[] | undefined },
  options: RenderOptions = {},
): RenderedText {
  const names = options.names ?? {};
  const buttons: TextButton[] = [];
  const next = { number: options.firstButton ?? 1 };
  const blocks = (message.blocks ?? []).filter(isJson);
  if (blocks.length === 0) return { lines: splitLines(mrkdwnText(message.text ?? '', names)), buttons };
  const lines = blocks.flatMap((block) => renderBlock(block, names, buttons, next));
  if (options.unpressable) {
    const shown = lines.map((line) =>
      buttons.reduce((text, b) => text.replace(`[${b.number}] ${b.label}`, `‹${b.label}›`), line),
    );
    return { lines: shown, buttons: [] };
  }
  return { lines, buttons };
}

function renderBlock(block: Json, names: Names, buttons: TextButton[], next: Counter): string[] {
  switch (block['type']) {
    case 'header':
      return [`▌ ${textOf(block['text'], names)}`];
    case 'section': {
      const lines = splitLines(textOf(block['text'], names));
      const fields = Array.isArray(block['fields']) ? block['fields'] : [];
      for (const field of fields) lines.push(`  ${fieldLine(textOf(field, names))}`);
      if (isJson(block['accessory'])) {
        const accessory = elementText(block['accessory'], block, names, buttons, next);
        if (accessory) lines.push(`  ${accessory}`);
      }
      return lines;
    }
    case 'context': {
      const parts = elementsOf(block).map((element) => elementText(element, block, names, buttons, next));
      return splitLines(parts.filter(Boolean).join('  ')).map((line) => `  ${line}`);
    }
    case 'actions': {
      const parts = elementsOf(block).map((element) => elementText(element, block, names, buttons, next));
      return [`  ${parts.filter(Boolean).join('   ')}`];
    }
    case 'divider':
      return ['  ────────'];
    case 'markdown':
      return splitLines(typeof block['text'] === 'string' ? block['text'] : '');
    case 'image':
      return [`  [image: ${stringField(block, 'alt_text') ?? ''}]`];
    case 'rich_text':
      return splitLines(richText(block, names));
    default:
      return [`  [${String(block['type'])} block]`];
  }
}

type Names = Readonly<Record<string, string>>;
type Counter = { number: number };

function elementText(element: Json, block: Json, names: Names, buttons: TextButton[], next: Counter): string {
  switch (element['type']) {
    case 'button': {
      const label = textOf(element['text'], names);
      const url = stringField(element, 'url');
      const button: TextButton = {
        number: next.number++,
        actionId: stringField(element, 'action_id') ?? '',
        value: stringField(element, 'value'),
        label,
        blockId: stringField(block, 'block_id'),
        url,
      };
      buttons.push(button);
      return `[${button.number}] ${label}${url ? ` (${url})` : ''}`;
    }
    case 'mrkdwn':
    case 'plain_text':
      return textOf(element, names);
    case 'image':
      return `[image: ${stringField(element, 'alt_text') ?? ''}]`;
    default: {
      const placeholder = isJson(element['placeholder']) ? textOf(element['placeholder'], names) : '';
      return `[${String(element['type'])}${placeholder ? `: ${placeholder}` : ''}]`;
    }
  }
}

/** A text object: mrkdwn is decoded (mentions, links, entities); plain_text is taken as is. */
function textOf(value: unknown, names: Names): string {
  if (!isJson(value)) return '';
  const text = stringField(value, 'text') ?? '';
  return value['type'] === 'mrkdwn' ? mrkdwnText(text, names) : text;
}

/** `*Cluster*\nprod-cluster` (how cards label a field) reads better on one line: `Cluster: prod-cluster`. */
function fieldLine(text: string): string {
  const match = /^\*([^*\n]+)\*\n([\s\S]*)$/.exec(text);
  return match ? `${match[1]}: ${(match[2] ?? '').replaceAll('\n', ' ')}` : text.replaceAll('\n', ' ');
}

/** Slack mrkdwn with its `<…>` markup made readable; emphasis marks stay, they read fine as text. */
export function mrkdwnText(raw: string, names: Names = {}): string {
  return parseSlackMarkup(raw)
    .map((segment) => segmentText(segment, names))
    .join('');
}

/** The emoji the bot's texts use, as a terminal can show them; any other `:name:` stays as typed. */
const EMOJI: Readonly<Record<string, string>> = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  rotating_light: '🚨',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  alarm_clock: '⏰',
  mag: '🔍',
  lock: '🔒',
  unlock: '🔓',
  key: '🔑',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  information_source: 'ℹ️',
  bell: '🔔',
  wave: '👋',
  question: '❓',
  arrows_counterclockwise: '🔄',
};

function withEmoji(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (code, name: string) => EMOJI[name] ?? code);
}

function segmentText(segment: SlackSegment, names: Names): string {
  switch (segment.kind) {
    case 'text':
      return withEmoji(segment.text);
    case 'user':
      return `@${segment.label ?? names[segment.userId] ?? segment.userId}`;
    case 'channel':
      return `#${segment.label ?? names[segment.channelId] ?? segment.channelId}`;
    case 'link':
      return segment.label && segment.label !== segment.url ? `${segment.label} (${segment.url})` : segment.url;
    case 'special':
      return segment.name.startsWith('date^') ? (segment.label ?? '') : `@${segment.label ?? segment.name}`;
  }
}

/** rich_text: sections, lists, quotes and preformatted blocks, flattened to their text. */
function richText(block: Json, names: Names): string {
  return elementsOf(block)
    .map((element) =>
      element['type'] === 'rich_text_list'
        ? elementsOf(element)
            .map((item) => `• ${inlineText(item, names)}`)
            .join('\n')
        : inlineText(element, names),
    )
    .join('\n');
}

function inlineText(container: Json, names: Names): string {
  return elementsOf(container)
    .map((part) => richPart(part, names))
    .join('');
}

function richPart(part: Json, names: Names): string {
  switch (part['type']) {
    case 'text':
      return stringField(part, 'text') ?? '';
    case 'link':
      return stringField(part, 'text') ?? stringField(part, 'url') ?? '';
    case 'user': {
      const id = stringField(part, 'user_id') ?? '';
      return `@${names[id] ?? id}`;
    }
    case 'emoji':
      return withEmoji(`:${stringField(part, 'name') ?? ''}:`);
    default:
      return inlineText(part, names);
  }
}

function elementsOf(value: Json): Json[] {
  const elements = value['elements'];
  return Array.isArray(elements) ? elements.filter(isJson) : [];
}

function splitLines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

function stringField(value: Json, key: string): string | undefined {
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
