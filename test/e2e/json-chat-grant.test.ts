import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARNS, PEOPLE } from '../support/e2e-sandbox.ts';
import { type ChatMessage, jsonChatClient } from '../support/json-chat.ts';
import { type JsonChatBot, startJsonChatBot } from '../support/json-chat-bot.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * A second chat front end (JSON over HTTP, in test/support only) runs a grant end to end on the same core and use
 * cases as Slack: the request, the approver's card with its Approve button, the grant on the EKS fake, the answer.
 */
let bot: JsonChatBot;
beforeAll(async () => {
  bot = await startJsonChatBot();
}, 60_000);
afterAll(async () => {
  await bot?.close();
});

const SLACK_MARKUP = [/<[@!#]/, /&(lt|gt|amp);/, /(^|\s)\*[^\s*`][^*`]*\*/, /:[a-z_]+:(\s|$)/, /eks_access_/];

function text(messages: readonly ChatMessage[]): string {
  return messages.map((m) => m.lines.join('\n')).join('\n');
}

describe('a grant through the JSON chat', () => {
  it('files the request, shows the approver a card with Approve, grants on approval and says so', async () => {
    const chat = jsonChatClient(bot.chat.url);

    await chat.say(PEOPLE.alice, 'general', 'grant me view on prod-cluster for 1h because INC-42');
    const card = await waitFor(
      async () => (await chat.read('C0APPROVALS')).find((m) => m.buttons.some((b) => b.action === 'approve')),
      { timeoutMs: 30_000, what: 'the approval card' },
    );
    const received = await waitFor(
      async () =>
        (await chat.read('general')).find(
          (m) => m.from === 'bot' && m.lines.join(' ').includes('Waiting for approval'),
        ),
      { timeoutMs: 30_000, what: 'the request received reply' },
    );
    const approve = card.buttons.find((b) => b.action === 'approve');
    await chat.press(PEOPLE.approver1, card.id, approve?.number ?? 0);
    const granted = await waitFor(
      async () => (await chat.read('general')).find((m) => m.lines.join(' ').includes('now has')),
      { timeoutMs: 30_000, what: 'the granted reply' },
    );

    const entry = bot.sandbox.eks.entry('prod-cluster', ARNS.alice);
    expect(entry?.policies.map((p) => p.policyArn)).toContain(
      'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
    );
    expect((await bot.sandbox.request(approve?.value ?? ''))?.status).toBe('granted');
    expect(card.lines.join('\n')).toContain(`@${PEOPLE.alice} asks for view on prod-cluster`);
    expect(received.lines.join('\n')).toContain(`Waiting for approval from @${PEOPLE.approver1}`);
    expect(granted.lines.join('\n')).toContain(`@${PEOPLE.alice} now has view on prod-cluster`);
    const everything = text([...(await chat.read('general')), ...(await chat.read('C0APPROVALS'))]);
    for (const markup of SLACK_MARKUP) expect(everything).not.toMatch(markup);
    expect(bot.sandbox.slack.messages()).toEqual([]);
  }, 90_000);
});
