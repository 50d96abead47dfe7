import type { MessagePart, MessageText } from '../../core/intent/message-text.ts';
import { parseSlackMarkup, segmentText } from './slack-markup.ts';

/**
 * A Slack message's text as the parser reads it: entities decoded, user mentions as people, channels and links as
 * their label, broadcasts and user groups dropped. `length` stays the raw length, so the too-long limit applies to
 * what Slack sent.
 */
export function slackMessageText(raw: string): MessageText {
  const parts: MessagePart[] = [];
  let text = '';
  for (const segment of parseSlackMarkup(raw)) {
    if (segment.kind === 'user') {
      if (text !== '') parts.push({ kind: 'text', text });
      text = '';
      parts.push({
        kind: 'person',
        id: segment.userId,
        ...(segment.label === undefined ? {} : { label: segment.label }),
      });
    } else {
      // A dropped broadcast still separates the words around it.
      text += segment.kind === 'special' ? ` ${segmentText(segment)} ` : segmentText(segment);
    }
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return { parts, length: raw.length };
}
