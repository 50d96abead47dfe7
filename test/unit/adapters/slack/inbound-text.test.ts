import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slackMessageText } from '../../../../src/adapters/slack/inbound-text.ts';
import { decodeSlackText } from '../../../../src/adapters/slack/slack-markup.ts';
import { plainText } from '../../../../src/core/intent/message-text.ts';

describe('slackMessageText', () => {
  it('turns user mentions into people and the rest into decoded text', () => {
    const message = slackMessageText('<@UBOT> grant <@U0BOB|bob> view on prod &amp; <#C123|ops> <https://x|docs>');
    expect(message.parts).toEqual([
      { kind: 'person', id: 'UBOT' },
      { kind: 'text', text: ' grant ' },
      { kind: 'person', id: 'U0BOB', label: 'bob' },
      { kind: 'text', text: ' view on prod & #ops docs' },
    ]);
  });

  it('keeps the length Slack sent, markup included', () => {
    const raw = 'grant <@U0BOB|bob> view &lt;3';
    expect(slackMessageText(raw).length).toBe(raw.length);
  });

  it('drops broadcasts and user groups but keeps the words around them apart', () => {
    expect(slackMessageText('grant<!here>view').parts).toEqual([{ kind: 'text', text: 'grant  view' }]);
    expect(slackMessageText('<!subteam^S123|@oncall> ping').parts).toEqual([{ kind: 'text', text: '   ping' }]);
  });

  it('keeps a date as its fallback text and a malformed mention as text', () => {
    expect(plainText(slackMessageText('until <!date^1392734382^{date}|Feb 18, 2014>').parts)).toBe(
      'until  Feb 18, 2014 ',
    );
    expect(slackMessageText('hi <@not-an-id>').parts).toEqual([{ kind: 'text', text: 'hi @not-an-id' }]);
  });

  it('gives no parts for an empty message', () => {
    expect(slackMessageText('')).toEqual({ parts: [], length: 0 });
  });

  it('reads as decodeSlackText does, apart from the space kept where a broadcast was', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (raw) => {
        const withoutBroadcasts = raw.replace(/<![^<>]*>/g, '');
        const text = plainText(slackMessageText(withoutBroadcasts).parts);
        return text.replaceAll('<!', '<') === decodeSlackText(withoutBroadcasts);
      }),
    );
  });
});
