import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { type E2eSandbox, PEOPLE } from './e2e-sandbox.ts';
import { textOf } from './policy-sandbox.ts';

/**
 * A mention that files a request, and approver1's Approve on the card in their DM: the steps every grant test
 * starts with. Returns the request id, the thread it was asked in and the card, before the grant has run.
 */
export async function fileAndApprove(
  sandbox: E2eSandbox,
  user: string,
  text: string,
): Promise<{ id: string; threadTs: string; card: SlackMessage }> {
  const sent = await sandbox.mention(user, text);
  const ack = await sandbox.slack.waitForMessage(
    (m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''),
    10_000,
  );
  const id = /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '';
  const card = await sandbox.slack.waitForMessage(
    (m) => m.channel === sandbox.slack.dmChannelFor(PEOPLE.approver1) && textOf(m).includes(id),
    10_000,
  );
  await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
  return { id, threadTs: sent.ts, card };
}
