import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import type { E2eSandbox } from './e2e-sandbox.ts';

export interface Submitted {
  id: string;
  /** The approval card (in the approval channel or an approver's DM). */
  card: SlackMessage;
  /** The thread of the requester's message, where the bot answers. */
  threadTs: string;
}

/** Sends a mention, waits for the bot's "Request `R…`" reply and the card carrying that id. */
export async function submitRequest(sandbox: E2eSandbox, user: string, text: string, timeoutMs = 15_000) {
  const sent = await sandbox.mention(user, text);
  const reply = await sandbox.slack.waitForMessage(
    (m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''),
    timeoutMs,
  );
  const id = /Request `(R[0-9A-Z]+)`/.exec(reply.text ?? '')?.[1] ?? '';
  const card = await sandbox.slack.waitForMessage(
    (m) => m.threadTs === undefined && JSON.stringify(m.blocks ?? []).includes(id) && m.ts !== reply.ts,
    timeoutMs,
  );
  return { id, card, threadTs: sent.ts } satisfies Submitted;
}

/** The bot's "… now has …" replies in a thread: exactly one per granted request. */
export function grantedReplies(sandbox: E2eSandbox, threadTs: string): SlackMessage[] {
  return sandbox.slack.messages({ threadTs }).filter((m) => /now has/.test(m.text ?? ''));
}
