import { asPersonId, type PersonId } from '../../core/ids.ts';

/** One piece of a Slack message: plain text (entities decoded) or one `<…>` markup element. */
export type SlackSegment =
  | { kind: 'text'; text: string }
  | { kind: 'user'; userId: PersonId; label?: string }
  | { kind: 'channel'; channelId: string; label?: string }
  | { kind: 'link'; url: string; label?: string }
  | { kind: 'special'; name: string; label?: string };

const MARKUP = /<([^<>]*)>/g;
const ENTITY = /&(amp|lt|gt);/g;
const USER_ID = /^[UW][A-Z0-9]{1,30}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{1,30}$/;

/** Slack escapes only `&`, `<` and `>` in message text. */
export function decodeEntities(text: string): string {
  return text.replace(ENTITY, (_match, name: string) => (name === 'amp' ? '&' : name === 'lt' ? '<' : '>'));
}

/** Splits raw Slack text into text and markup segments. Never throws. */
export function parseSlackMarkup(raw: string): SlackSegment[] {
  const segments: SlackSegment[] = [];
  let last = 0;
  for (const match of raw.matchAll(MARKUP)) {
    const start = match.index;
    if (start > last) segments.push({ kind: 'text', text: decodeEntities(raw.slice(last, start)) });
    segments.push(markupSegment(match[1] ?? ''));
    last = start + match[0].length;
  }
  if (last < raw.length) segments.push({ kind: 'text', text: decodeEntities(raw.slice(last)) });
  return segments;
}

function markupSegment(inner: string): SlackSegment {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const rawLabel = bar === -1 ? '' : decodeEntities(inner.slice(bar + 1));
  const label = rawLabel === '' ? {} : { label: rawLabel };
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return USER_ID.test(id) ? { kind: 'user', userId: asPersonId(id), ...label } : fallback(target, rawLabel);
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return CHANNEL_ID.test(id) ? { kind: 'channel', channelId: id, ...label } : fallback(target, rawLabel);
  }
  if (target.startsWith('!')) return { kind: 'special', name: target.slice(1), ...label };
  return { kind: 'link', url: decodeEntities(target), ...label };
}

function fallback(target: string, label: string): SlackSegment {
  return { kind: 'text', text: label === '' ? decodeEntities(target) : label };
}

/** Text of one segment as a person would read it; broadcasts (`<!here>`, `<!channel>`, …) vanish. */
export function segmentText(segment: SlackSegment): string {
  switch (segment.kind) {
    case 'text':
      return segment.text;
    case 'user':
      return `@${segment.label ?? segment.userId}`;
    case 'channel':
      return `#${segment.label ?? segment.channelId}`;
    case 'link':
      return segment.label ?? segment.url;
    case 'special':
      // Only a date keeps its fallback text; user groups and broadcasts are dropped.
      return segment.name.startsWith('date^') ? (segment.label ?? '') : '';
  }
}

/** Plain text of a Slack message: entities decoded, mentions as `@name`/`@U123`, links as label or URL. */
export function decodeSlackText(raw: string): string {
  // Text left over from an unterminated `<!…` (or entities that decode to one) must not read as a broadcast.
  return parseSlackMarkup(raw).map(segmentText).join('').replaceAll('<!', '<');
}
