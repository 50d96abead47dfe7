import { describe, expect, it } from 'vitest';
import { escapeUserText, mention } from '../../../../src/core/messages/escape.ts';

describe('escaping what people typed', () => {
  it.each([
    ['<!channel> ping', '&lt;!channel&gt; ping'],
    ['<@U0BOSS> approve me', '&lt;@U0BOSS&gt; approve me'],
    ['<https://evil|click>', '&lt;https://evil|click&gt;'],
    ['a & b', 'a &amp; b'],
    ['line1\nline2\r\n*bold*', 'line1 line2 \u200b*\u200bbold\u200b*\u200b'],
  ])('neutralises %j', (input, expected) => {
    expect(escapeUserText(input)).toBe(expected);
  });

  it('cuts long text with an ellipsis', () => {
    const out = escapeUserText('x'.repeat(5000), 300);

    expect(out).toHaveLength(300);
    expect(out.endsWith('…')).toBe(true);
  });

  it('only renders real user ids as mentions', () => {
    expect(mention('U0ALICE')).toBe('<@U0ALICE>');
    expect(mention('<!here>')).toBe('&lt;!here&gt;');
  });
});
