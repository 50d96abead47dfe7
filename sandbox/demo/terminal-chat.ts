/**
 * The terminal in place of Slack: reads lines (a TTY with a prompt, or plain line mode when stdin is a pipe, so a
 * test can drive it), turns each into what Slack would send as the current persona, and runs them one at a time
 * in the order typed. Replies arrive through the message feed.
 */
import { createInterface } from 'node:readline';
import type { SlackHttpResult } from '../slack/sign.ts';
import { CHAT_HELP, type ChatLine, parseChatLine } from './chat-line.ts';
import type { MessageFeed } from './message-feed.ts';
import type { ModalDesk } from './modal-desk.ts';
import { CLUSTERS, PERSONAS, type Persona, personaNamed } from './personas.ts';
import type { SandboxWorld } from './sandbox-world.ts';
import type { SlackSender } from './slack-sender.ts';
import { describeState } from './state-view.ts';

export interface TerminalChat {
  /** Resolves when the person quits (`/quit`, Ctrl-C, or the end of stdin). */
  closed: Promise<void>;
  print(text: string): void;
  /** Handles `line` as if typed (after any lines still running) and resolves once it has been sent and answered. */
  type(line: string): Promise<void>;
  close(): void;
}

export interface ChatParts {
  world: SandboxWorld;
  sender: SlackSender;
  feed: () => MessageFeed;
  modals: () => ModalDesk;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  /**
   * Without a TTY each line is echoed so the output reads as a log: `actions` (the default) says what was sent
   * (`bob clicked [2] Approve`), `prompt` shows the line as it was typed after the prompt (`bob> /click 2`), which is
   * what a person at a terminal sees; the README's sample session is recorded that way.
   */
  echo?: 'actions' | 'prompt';
}

export function startTerminalChat(parts: ChatParts): TerminalChat {
  const isTty = parts.input.isTTY === true;
  const rl = createInterface({ input: parts.input, output: parts.output, terminal: isTty });
  let persona = PERSONAS[0] as Persona;
  let done: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    done = resolve;
  });
  const prompt = () => {
    rl.setPrompt(`${persona.name}> `);
    if (isTty) rl.prompt(true);
  };
  const print = (text: string) => {
    // On a TTY, a reply that arrives while someone types goes above the prompt, which is then redrawn.
    parts.output.write(isTty ? `\r\x1b[K${text}\n` : `${text}\n`);
    prompt();
  };
  const echoActions = !isTty && parts.echo !== 'prompt';
  const handle = async (line: ChatLine): Promise<void> => {
    switch (line.kind) {
      case 'empty':
        return;
      case 'invalid':
        return print(line.problem);
      case 'help':
        return print(CHAT_HELP);
      case 'quit':
        return rl.close();
      case 'who':
        return print(whoText(persona));
      case 'state':
        return print(
          describeState(
            parts.world,
            CLUSTERS.map((c) => c.name),
          ).join('\n'),
        );
      case 'as': {
        const next = personaNamed(line.persona);
        if (!next) return print(`There is no ${line.persona} here. ${PERSONAS.map((p) => p.name).join(', ')} are.`);
        persona = next;
        // A modal left open while speaking as someone else is still there; say so, or /submit seems to do nothing.
        const open = parts.modals().openTitle(persona);
        const modal = open === undefined ? '' : ` Your modal "${open}" is still open: /fill, /submit or /close.`;
        return print(`You are now ${persona.name} (${persona.role}).${modal}`);
      }
      case 'click': {
        const pressable = parts.feed().button(line.button);
        if (!pressable) return print(`There is no button [${line.button}].`);
        if (echoActions) print(`${persona.name} clicked [${line.button}] ${pressable.button.label}`);
        return answered(await parts.sender.click(persona, pressable.button, pressable.message));
      }
      case 'mention':
      case 'dm':
        if (echoActions) print(`${persona.name}${line.kind === 'dm' ? ' (DM)' : ''}: ${line.text}`);
        return answered(await parts.sender[line.kind](persona, line.text));
      case 'slash': {
        if (echoActions) print(`${persona.name}: /eks ${line.text}`);
        const result = await parts.sender.command(persona, line.text);
        answered(result);
        const body = slashBody(result.body);
        if (body) parts.feed().printResponse(`/eks, only @${persona.name} sees this`, body);
        return;
      }
      case 'fill':
        return parts.modals().fill(persona, line.field, line.text);
      case 'submit': {
        if (echoActions) print(`${persona.name} submitted the modal`);
        const result = await parts.modals().submit(persona);
        return result ? answered(result) : undefined;
      }
      case 'close': {
        if (echoActions) print(`${persona.name} closed the modal`);
        const result = await parts.modals().close(persona);
        return result ? answered(result) : undefined;
      }
    }
  };
  const answered = (result: SlackHttpResult) => {
    if (result.status !== 200) print(`(the bot answered HTTP ${result.status}: ${result.body.slice(0, 200)})`);
  };
  let queue = Promise.resolve();
  const enqueue = (raw: string) => {
    queue = queue
      .then(() => {
        // Lines run in order, so `persona` here is whoever is speaking once the lines before this one ran.
        if (!isTty && parts.echo === 'prompt') print(`${persona.name}> ${raw.trim()}`);
      })
      .then(() => handle(parseChatLine(raw)))
      .catch((error: unknown) => print(`(could not send that: ${(error as Error).message})`))
      .finally(prompt);
    return queue;
  };
  rl.on('line', (raw) => void enqueue(raw));
  rl.on('SIGINT', () => rl.close());
  // Lines already typed are still sent before the chat reports itself closed.
  rl.on('close', () => void queue.then(done));
  prompt();
  return { closed, print, type: enqueue, close: () => rl.close() };
}

function whoText(current: Persona): string {
  return PERSONAS.map(
    (p) => `${p === current ? '*' : ' '} ${p.name.padEnd(6)} ${p.role.padEnd(16)} ${p.slackId.padEnd(8)} ${p.arn}`,
  ).join('\n');
}

function slashBody(raw: string): { text?: string; blocks?: unknown[] } | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as { text?: string; blocks?: unknown[] })
      : undefined;
  } catch {
    return raw.trim() === '' ? undefined : { text: raw };
  }
}
