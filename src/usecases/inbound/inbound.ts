import type { RequestId } from '../../core/ids.ts';
import type { MessageText } from '../../core/intent/message-text.ts';

/** A message or slash command as the web process stored it before acknowledging Slack. */
export interface InboundMessage {
  inboundId: string;
  /** Chosen at acknowledgement time, so a retried job creates the same request, not a second one. */
  requestId: RequestId;
  source: 'mention' | 'dm' | 'command';
  user: string;
  channel: string;
  /** The message's own ts (absent for slash commands). */
  ts?: string;
  threadTs?: string;
  /** Decoded by the chat's adapter: plain text and the people it mentions. */
  text: MessageText;
  botUserId?: string;
}

export type HandleResult = { kind: 'replied'; reason: string } | { kind: 'submitted'; requestId: RequestId };

export interface Conversation {
  owner: string;
  channel: string;
  threadTs?: string;
}
