import { describe, expect, it } from 'vitest';
import { toSlackMarkup } from '../../../../sandbox/demo/slack-sender.ts';

const BOT = 'U0SANDBOXBOT';

describe('what the Slack client makes of a typed line', () => {
  it.each([
    ['plain text stays', 'grant me view on prod', 'grant me view on prod'],
    ['a persona becomes a mention', 'give @bob view on prod', 'give <@U0BOB> view on prod'],
    ['a persona in any case', 'give @Carol view', 'give <@U0CAROL> view'],
    ['an unknown name stays text', 'ask @dave', 'ask @dave'],
    ['the bot by name', '@eks-access help', `<@${BOT}> help`],
    ['the leading bot mention is kept', `<@${BOT}> help`, `<@${BOT}> help`],
    ['Slack escapes &, < and >', 'a <b> & c', 'a &lt;b&gt; &amp; c'],
    ['typed markup is escaped, not trusted', '<!channel> <@U0BOB>', '&lt;!channel&gt; &lt;@U0BOB&gt;'],
    ['an e-mail address is not a mention', 'mail bob@example.com', 'mail bob@example.com'],
  ])('%s', (_, typed, expected) => {
    expect(toSlackMarkup(typed, BOT)).toBe(expected);
  });
});
