import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntities, decodeSlackText, parseSlackMarkup } from '../../../../src/adapters/slack/slack-markup.ts';

describe('decodeSlackText', () => {
  it.each([
    ['plain text', 'plain text'],
    ['a &lt;b&gt; &amp; c', 'a <b> & c'],
    ['&amp;lt;', '&lt;'],
    ['hi <@U0BOB>', 'hi @U0BOB'],
    ['hi <@U0BOB|bob>', 'hi @bob'],
    ['see <https://example.com|the docs>', 'see the docs'],
    ['see <https://example.com>', 'see https://example.com'],
    ['see <https://example.com?a=1&amp;b=2>', 'see https://example.com?a=1&b=2'],
    ['mail <mailto:a@b.com|a@b.com>', 'mail a@b.com'],
    ['<!channel> hello <!here>', ' hello '],
    ['<!subteam^S123|@oncall> ping', ' ping'],
    ['in <#C123|general>', 'in #general'],
    ['in <#C123>', 'in #C123'],
    ['<!date^1392734382^{date}|Feb 18, 2014>', 'Feb 18, 2014'],
    ['broken <@not-an-id> markup', 'broken @not-an-id markup'],
    ['unclosed <@U1 tag', 'unclosed <@U1 tag'],
    ['', ''],
  ])('decodes %j', (raw, expected) => {
    // Act
    const result = decodeSlackText(raw);
    // Assert
    expect(result).toBe(expected);
  });

  it('splits markup into typed segments', () => {
    const result = parseSlackMarkup('<@UBOT> grant <@U0BOB|bob> view &amp; <https://x|y>');
    expect(result).toEqual([
      { kind: 'user', userId: 'UBOT' },
      { kind: 'text', text: ' grant ' },
      { kind: 'user', userId: 'U0BOB', label: 'bob' },
      { kind: 'text', text: ' view & ' },
      { kind: 'link', url: 'https://x', label: 'y' },
    ]);
  });

  it('decodes only the three entities Slack uses', () => {
    expect(decodeEntities('&quot;&amp;&#39;')).toBe('&quot;&&#39;');
  });

  it('never throws and never produces a broadcast', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (raw) => {
        const text = decodeSlackText(raw);
        return typeof text === 'string' && !text.includes('<!');
      }),
    );
  });
});
