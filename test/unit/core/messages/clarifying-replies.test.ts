import { describe, expect, it } from 'vitest';
import { slackMessageText } from '../../../../src/adapters/slack/inbound-text.ts';
import type { ParseFailure } from '../../../../src/core/intent/intent.ts';
import { parseIntent } from '../../../../src/core/intent/parse.ts';
import { helpMessage } from '../../../../src/core/messages/help-text.ts';
import { asMrkdwn } from '../../../support/mrkdwn-message.ts';

const context = { clusterNames: ['prod', 'staging'] };

function replyTo(text: string): string {
  const parsed = parseIntent(slackMessageText(text), context);
  expect(parsed.kind).toBe('failure');
  return asMrkdwn(
    helpMessage({ clusters: context.clusterNames.map((name) => ({ name, aliases: [] })) }, parsed as ParseFailure),
  ).text;
}

describe('the clarifying reply to a request that cannot be filed as written', () => {
  it.each([
    ['view on prod for -5h', 'A duration cannot be negative', '(-5h)'],
    ['view on prod --duration soon', 'That duration is not one I accept', '(soon)'],
    ['view on prod for 4h for 2h', 'more than one duration', 'Nothing was requested'],
    ['view on prod and staging', 'One request is for one cluster', '(prod and staging)'],
  ])('%j is answered with what to change', (text, lead, detail) => {
    const reply = replyTo(text);

    expect(reply).toContain(lead);
    expect(reply).toContain(detail);
  });
});
