import type { KnownBlock } from '@slack/types';
import type { Message, MessagePart } from '../../../core/messages/message.ts';
import {
  SLACK_BUTTON_TEXT_MAX,
  SLACK_BUTTON_VALUE_MAX,
  SLACK_CONTEXT_TEXT_MAX,
  SLACK_FALLBACK_TEXT_MAX,
  SLACK_FIELD_TEXT_MAX,
  SLACK_HEADER_TEXT_MAX,
  SLACK_HOME_MAX_BLOCKS,
  SLACK_MAX_BLOCKS,
  SLACK_SECTION_FIELDS_MAX,
  SLACK_SECTION_TEXT_MAX,
  truncate,
} from './limits.ts';
import { codeBlock, mrkdwn } from './mrkdwn.ts';
import { SLACK_ACTION_IDS } from './wire-ids.ts';

/** Slack message metadata `event_type` of every message the bot posts through postOnce (owner and key in it). */
export const MESSAGE_TAG_EVENT = 'eks_access_message';

export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
  metadata?: { event_type: string; event_payload: Record<string, string> };
}

/** Neutral message → Block Kit and mrkdwn within Slack's limits (long parts are cut, never rejected). */
export function renderBlockKit(message: Message): RenderedMessage {
  const blocks = message.parts.flatMap(renderPart).slice(0, SLACK_MAX_BLOCKS);
  return {
    text: truncate(withoutEmojiCodes(mrkdwn(message.text)), SLACK_FALLBACK_TEXT_MAX),
    blocks,
    ...metadataOf(message),
  };
}

/**
 * The fallback `text` is what notifications and screen readers show, and there Slack prints `:shortcode:` as
 * typed; blocks render them as emoji, so the shortcodes stay in the blocks only.
 */
export function withoutEmojiCodes(text: string): string {
  return text
    .replace(/(^|\s):[a-z0-9_+-]+:(?=\s|$)/g, '$1')
    .replace(/^\s+/, '')
    .replace(/ {2,}/g, ' ');
}

function metadataOf(message: Message): Pick<RenderedMessage, 'metadata'> {
  const requestId: Record<string, string> = message.requestId ? { request_id: message.requestId } : {};
  if (message.tag) {
    const payload = { owner: message.tag.owner, key: message.tag.key, ...requestId };
    return { metadata: { event_type: MESSAGE_TAG_EVENT, event_payload: payload } };
  }
  return message.requestId ? { metadata: { event_type: 'eks_access_request', event_payload: requestId } } : {};
}

/** A Home tab view: the same blocks as a message, within the view's own block limit. */
export function renderHomeBlocks(message: Message): KnownBlock[] {
  return message.parts.flatMap(renderPart).slice(0, SLACK_HOME_MAX_BLOCKS);
}

function renderPart(part: MessagePart): KnownBlock[] {
  switch (part.kind) {
    case 'header':
      return [{ type: 'header', text: { type: 'plain_text', text: truncate(part.text, SLACK_HEADER_TEXT_MAX) } }];
    case 'text': {
      const text = mrkdwn(part.text);
      return text ? [section(text)] : [];
    }
    case 'code': {
      const fence = codeBlock(part.lines, part.foreign === true);
      return [section(part.title === undefined ? fence : `${mrkdwn(part.title)}\n${fence}`)];
    }
    case 'context':
      return [
        { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(mrkdwn(part.text), SLACK_CONTEXT_TEXT_MAX) }] },
      ];
    case 'fields': {
      const blocks: KnownBlock[] = [];
      for (let i = 0; i < part.fields.length; i += SLACK_SECTION_FIELDS_MAX) {
        const fields = part.fields.slice(i, i + SLACK_SECTION_FIELDS_MAX).map((f) => ({
          type: 'mrkdwn' as const,
          text: truncate(`*${f.label}*\n${mrkdwn(f.value)}`, SLACK_FIELD_TEXT_MAX),
        }));
        blocks.push({ type: 'section', fields });
      }
      return blocks;
    }
    case 'buttons':
      return [
        {
          type: 'actions',
          elements: part.buttons.map((b) => ({
            type: 'button' as const,
            action_id: SLACK_ACTION_IDS[b.action],
            text: { type: 'plain_text' as const, text: truncate(b.label, SLACK_BUTTON_TEXT_MAX) },
            value: truncate(b.value, SLACK_BUTTON_VALUE_MAX),
            ...(b.style ? { style: b.style } : {}),
          })),
        },
      ];
  }
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_SECTION_TEXT_MAX) } };
}
