import { describe, expect, it } from 'vitest';
import { mrkdwn } from '../../../../src/adapters/slack/render/mrkdwn.ts';
import {
  cluster,
  code,
  em,
  everyone,
  foreignCode,
  icon,
  link,
  person,
  place,
  rich,
  said,
  strong,
} from '../../../../src/core/messages/rich.ts';

describe('rich text → Slack mrkdwn', () => {
  it.each([
    ['a user', [person('U0ALICE')], '<@U0ALICE>'],
    ['a user group', [person('S0LEADS')], '<!subteam^S0LEADS>'],
    ['an id Slack would not mention, as inert text', [person('<!here>')], '&lt;!here&gt;'],
    ['strong around a cluster', [strong(rich`view on ${cluster('prod')}`)], '*view on `prod`*'],
    ['emphasis', [em('temporary')], '_temporary_'],
    ['code without backquotes or line breaks', [code('a`b\nc')], "`a'b c`"],
    ['foreign code with Slack control characters escaped', [foreignCode('--profile <p>')], '`--profile &lt;p&gt;`'],
    [
      'typed text, escaped and made inert',
      [said('<!channel> *x* & y')],
      '&lt;!channel&gt; \u200b*\u200bx\u200b*\u200b &amp; y',
    ],
    ['typed text cut at its limit', [said('abcdef', 4)], 'abc…'],
    ['a status icon', rich`${icon('ok')} done`, ':white_check_mark: done'],
    ['a channel', [place('C0APPROVALS')], '<#C0APPROVALS>'],
    ['a link', [link('https://example.com', 'this message')], '<https://example.com|this message>'],
    ['everyone here', [everyone], '<!here>'],
  ])('%s', (_, text, expected) => {
    expect(mrkdwn(text)).toBe(expected);
  });
});
