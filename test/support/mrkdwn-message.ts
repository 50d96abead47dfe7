import { codeBlock, mrkdwn } from '../../src/adapters/slack/render/mrkdwn.ts';
import type { Button, Message, MessagePart } from '../../src/core/messages/message.ts';
import type { Text } from '../../src/core/messages/rich.ts';

/** A neutral message with every text rendered as the Slack adapter writes it (mrkdwn), for tests that read wording. */
export interface MrkdwnMessage {
  text: string;
  parts: MrkdwnPart[];
  requestId?: string;
}

export type MrkdwnPart =
  | { kind: 'header'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'context'; text: string }
  | { kind: 'fields'; fields: { label: string; value: string }[] }
  | { kind: 'buttons'; buttons: readonly Button[] };

/** Code blocks read as the section Slack gets (title, then the fence). */
export function asMrkdwn(message: Message): MrkdwnMessage {
  const parts = message.parts.map(mrkdwnPart);
  return {
    text: mrkdwn(message.text),
    parts,
    ...(message.requestId ? { requestId: message.requestId } : {}),
  };
}

function mrkdwnPart(part: MessagePart): MrkdwnPart {
  switch (part.kind) {
    case 'header':
    case 'buttons':
      return part;
    case 'text':
    case 'context':
      return { kind: part.kind, text: mrkdwn(part.text) };
    case 'fields':
      return { kind: 'fields', fields: part.fields.map((f) => ({ label: f.label, value: mrkdwn(f.value) })) };
    case 'code': {
      const fence = codeBlock(part.lines, part.foreign === true);
      return { kind: 'text', text: part.title === undefined ? fence : `${mrkdwn(part.title)}\n${fence}` };
    }
  }
}

/** Rich text as mrkdwn. */
export function asMrkdwnText(text: Text): string {
  return mrkdwn(text);
}

/** A message's fallback text as mrkdwn; '' for none (an optional lookup that found nothing). */
export function mrkdwnText(message: Message | undefined): string {
  return message ? mrkdwn(message.text) : '';
}
