/**
 * What a line typed into the terminal chat means, in the spirit of Hubot's shell adapter: a plain line is a message
 * to the bot (an `app_mention`), `/dm …` a direct message, `/eks …` the slash command, and the rest steer the chat.
 */
export type ChatLine =
  | { kind: 'mention'; text: string }
  | { kind: 'dm'; text: string }
  | { kind: 'slash'; text: string }
  | { kind: 'as'; persona: string }
  | { kind: 'click'; button: number }
  | { kind: 'fill'; field: number; text: string }
  | { kind: 'submit' }
  | { kind: 'close' }
  | { kind: 'help' }
  | { kind: 'who' }
  | { kind: 'state' }
  | { kind: 'quit' }
  | { kind: 'empty' }
  | { kind: 'invalid'; problem: string };

const BARE: Readonly<Record<string, ChatLine>> = {
  '/help': { kind: 'help' },
  '/who': { kind: 'who' },
  '/state': { kind: 'state' },
  '/quit': { kind: 'quit' },
  '/submit': { kind: 'submit' },
  '/close': { kind: 'close' },
  '/exit': { kind: 'quit' },
};

export function parseChatLine(raw: string): ChatLine {
  const line = raw.trim();
  if (line === '') return { kind: 'empty' };
  if (!line.startsWith('/')) return { kind: 'mention', text: line };
  const space = line.search(/\s/);
  const command = (space === -1 ? line : line.slice(0, space)).toLowerCase();
  const rest = space === -1 ? '' : line.slice(space).trim();
  const bare = BARE[command];
  if (bare) return rest === '' ? bare : { kind: 'invalid', problem: `${command} takes nothing after it.` };
  switch (command) {
    case '/eks':
      return { kind: 'slash', text: rest };
    case '/dm':
      return rest === '' ? { kind: 'invalid', problem: 'Type the message after /dm.' } : { kind: 'dm', text: rest };
    case '/as':
      return /^[a-z][a-z0-9-]*$/i.test(rest)
        ? { kind: 'as', persona: rest.toLowerCase() }
        : { kind: 'invalid', problem: 'Say who to be: /as alice (see /who).' };
    case '/click': {
      const button = Number(rest.replace(/^\[(.*)\]$/, '$1'));
      return Number.isInteger(button) && button > 0 && /^\[?\d+\]?$/.test(rest)
        ? { kind: 'click', button }
        : { kind: 'invalid', problem: 'Give a button number: /click 2.' };
    }
    case '/fill': {
      // `/fill 1 text`; `/fill 1` alone empties the field. `\n` in the text is a line break (a multiline input).
      const match = /^\(?(\d+)\)?(?:\s+([\s\S]*))?$/.exec(rest);
      const field = Number(match?.[1]);
      return match && field > 0
        ? { kind: 'fill', field, text: (match[2] ?? '').replaceAll('\\n', '\n') }
        : { kind: 'invalid', problem: 'Give a field number and the text: /fill 1 not during the freeze.' };
    }
    default:
      return { kind: 'invalid', problem: `Unknown command ${command}. Type /help.` };
  }
}

/** The text `/help` prints. */
export const CHAT_HELP = `Type a message to the bot, or a command:
  <text>            mention the bot in #general, e.g. "grant me view on prod-cluster for 2h because INC-42"
  /dm <text>        send the bot a direct message
  /eks <text>       the slash command, e.g. "/eks why legacy-cluster"
  /as <persona>     speak as someone else (alice, bob, carol)
  /click <n>        press button [n] as the current persona
  /fill <n> <text>  type into field (n) of the modal open for the current persona
  /submit           submit that modal (its submit button); /close dismisses it
  /who              the personas, their roles and IAM identities
  /state            the sandbox's EKS access entries and aws-auth ConfigMaps
  /help             this text
  /quit             stop the demo (Ctrl-C works too)`;
