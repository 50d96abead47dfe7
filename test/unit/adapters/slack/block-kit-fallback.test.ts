import { describe, expect, it } from 'vitest';
import { renderBlockKit, withoutEmojiCodes } from '../../../../src/adapters/slack/render/block-kit.ts';

describe('the fallback text Slack shows in notifications', () => {
  it('carries no emoji shortcodes, which notifications print raw; the blocks keep them', () => {
    const rendered = renderBlockKit({
      text: ':heavy_multiplication_x: Cancelled by <@U0ALICE> before a decision.',
      parts: [{ kind: 'text', text: ':heavy_multiplication_x: Cancelled by <@U0ALICE> before a decision.' }],
    });

    expect(rendered.text).toBe('Cancelled by <@U0ALICE> before a decision.');
    expect(JSON.stringify(rendered.blocks)).toContain(':heavy_multiplication_x:');
  });

  it('leaves colons that are not shortcodes alone (times, ARNs, URLs)', () => {
    const text = 'Granted until 14:30 for arn:aws:iam::111122223333:role/dev, see https://example.com/a:b';

    expect(withoutEmojiCodes(text)).toBe(text);
  });
});
