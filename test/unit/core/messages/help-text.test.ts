import { describe, expect, it } from 'vitest';
import { slackMessageText } from '../../../../src/adapters/slack/inbound-text.ts';
import { parseCancelCommand } from '../../../../src/core/intent/cancel-command.ts';
import { parseIntent } from '../../../../src/core/intent/parse.ts';
import { helpExamples, helpMessage } from '../../../../src/core/messages/help-text.ts';
import { asMrkdwn, asMrkdwnText } from '../../../support/mrkdwn-message.ts';

const CLUSTERS = [
  { name: 'payments-eu', aliases: ['pay'] },
  { name: 'batch-us', aliases: [] },
];
const names = CLUSTERS.flatMap((c) => [c.name, ...c.aliases]);

/** The commands an example offers: each backticked span that is not a level list or a keyword. */
function commandsIn(example: string): string[] {
  return [...example.matchAll(/`([^`]+)`/g)]
    .map((m) => (m[1] ?? '').replace(/^\/eks /, ''))
    .filter((c) => c.includes(' '));
}

describe('help built from the live configuration', () => {
  it('names only clusters that exist here, never a sample such as staging or prod-cluster', () => {
    const text = helpExamples({ clusters: CLUSTERS }).map(asMrkdwnText).join('\n');

    expect(text).toContain('payments-eu');
    expect(text).toContain('batch-us');
    expect(text).not.toMatch(/staging|prod-cluster/);
  });

  it('offers only commands the bot understands, one of them ending a grant', () => {
    const kinds = helpExamples({ clusters: CLUSTERS })
      .map(asMrkdwnText)
      .flatMap(commandsIn)
      .map((command) => {
        if (parseCancelCommand(slackMessageText(command).parts)) return 'cancel';
        const intent = parseIntent(slackMessageText(command), { clusterNames: names });
        expect(intent.kind, command).not.toBe('failure');
        return intent.kind;
      });

    expect(kinds).toEqual(expect.arrayContaining(['grant', 'revoke', 'cancel', 'diagnose']));
  });

  it('lists aliases beside their cluster and tells an unmapped person whom to ask', () => {
    const message = asMrkdwn(helpMessage({ clusters: CLUSTERS, isMapped: false }));
    const all = message.parts.map((p) => ('text' in p ? p.text : '')).join('\n');

    expect(all).toContain('`payments-eu` (also `pay`)');
    expect(all).toContain('not set up for access yet');
    expect(
      asMrkdwn(helpMessage({ clusters: CLUSTERS, isMapped: true }))
        .parts.map((p) => ('text' in p ? p.text : ''))
        .join(),
    ).not.toContain('not set up');
  });
});
