/**
 * `eks-access demo`: the whole bot on embedded defaults with nothing but Node, `redis-server` and `openssl`.
 * A private redis-server, the loopback AWS and Slack fakes, the real bot as a child process pointed at them, and a
 * terminal chat in place of Slack. Everything it starts it stops again: on /quit, Ctrl-C, SIGTERM or a failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pickPort, startRedisServer } from '../../src/runtime/redis-server.ts';
import { type BotChild, startBotChild } from './bot-child.ts';
import { type MessageFeed, startMessageFeed } from './message-feed.ts';
import { type ModalDesk, startModalDesk } from './modal-desk.ts';
import { DEMO_CONFIG } from './personas.ts';
import { type SandboxWorld, startSandboxWorld } from './sandbox-world.ts';
import { createSlackSender } from './slack-sender.ts';
import { type ChatParts, startTerminalChat, type TerminalChat } from './terminal-chat.ts';

export const DEMO_BANNER = `eks-access demo: a sandbox on this machine. Nothing here touches AWS or Slack.
EKS, STS, IAM, CloudTrail, the clusters' Kubernetes API and Slack are local fakes on 127.0.0.1;
the bot itself, Redis, BullMQ and the Slack request signing are the real thing.
  prod-cluster     access entries (API_AND_CONFIG_MAP)
  legacy-cluster   aws-auth only (CONFIG_MAP), with one classic mistake in it
You are alice (engineer); bob and carol approve. Type /help for commands. Try:
  grant me view on prod-cluster for 2h because INC-42
  why am I unauthorized on legacy-cluster
To run it for real (your Slack app, your AWS account), see docs/operations.md ("Running for real").`;

export type Stop = { name: string; stop: () => Promise<unknown> | unknown };

export const DEMO_USAGE = `Usage: eks-access demo   (or: npm run demo)

Starts the whole bot on this machine: a private redis-server, loopback fakes of EKS, STS, IAM, CloudTrail, the
clusters' Kubernetes API and Slack, the real bot as a child process, and a terminal chat in place of Slack.
Needs only Node, redis-server and openssl. Type /help in the chat for its commands; /quit stops everything.`;

export async function runDemo(argv: readonly string[] = []): Promise<number> {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  if (argv.some((word) => word === '--help' || word === '-h' || word === 'help')) {
    out(DEMO_USAGE);
    return 0;
  }
  const dir = resolve('.eks-access', 'demo');
  // A fresh state each run: the fakes start empty, so requests kept from an earlier run would point at nothing.
  rmSync(dir, { recursive: true, force: true });
  const stops: Stop[] = [];
  // One stop for every path (quit, signal, failure): a second caller waits for the first instead of exiting early.
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (async () => {
      for (const part of stops.reverse()) {
        try {
          await part.stop();
        } catch (error) {
          process.stderr.write(`could not stop ${part.name}: ${(error as Error).message}\n`);
        }
      }
    })();
    return stopping;
  };
  let quitChat: (() => void) | undefined;
  // Once the chat runs, a signal is a /quit (the normal path stops everything); while starting, stop and leave.
  const onSignal = () => (quitChat ? quitChat() : void stopAll().then(() => process.exit(130)));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    out(DEMO_BANNER);
    out('');
    const demo = await startDemo({ dir, out, stops, input: process.stdin, output: process.stdout });
    quitChat = demo.terminal.close;
    const ended = await Promise.race([demo.terminal.closed.then(() => 'quit'), demo.botExited.then(() => 'bot')]);
    if (ended === 'bot') out(`The bot stopped unexpectedly; see ${join(dir, 'bot.log')}.`);
    const unmodelled = demo.world.unexpected();
    if (unmodelled.length > 0) out(`The fakes saw calls they do not model:\n  ${unmodelled.join('\n  ')}`);
    await stopAll();
    out('Stopped everything the demo started.');
    return ended === 'bot' ? 1 : 0;
  } catch (error) {
    process.stderr.write(`The demo could not start: ${(error as Error).message}\n`);
    await stopAll();
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export interface DemoOptions {
  /** Where redis-server keeps its data and the bot its config and log; emptied by the caller. */
  dir: string;
  /** Start-up progress lines. */
  out: (text: string) => void;
  /** Each part started is added here, so the caller can stop them all (in reverse) on any path, even mid-start. */
  stops: Stop[];
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  echo?: ChatParts['echo'];
  /** `false`: messages print only on `feed.flush()` (a recorded session); see FeedOptions. */
  live?: boolean;
}

export interface RunningDemo {
  world: SandboxWorld;
  /** The terminal chat (not named `chat`: the manifest test reads `chat.…` calls as Slack API methods). */
  terminal: TerminalChat;
  feed: MessageFeed;
  botExited: Promise<unknown>;
}

/** redis-server, the fakes, the bot and the chat, started in that order; what `eks-access demo` and the sample share. */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const { dir, out, stops } = options;
  mkdirSync(join(dir, 'redis'), { recursive: true });
  const redis = await startRedisServer({ dir: join(dir, 'redis') });
  stops.push({ name: 'redis-server', stop: () => redis.stop() });
  out(`Started redis-server (pid ${redis.pid}, ${redis.url}).`);
  const world = await startSandboxWorld();
  stops.push({ name: 'sandbox fakes', stop: () => world.close() });
  out('Started the AWS, Kubernetes and Slack fakes.');
  const bot = await startDemoBot(world, redis.url, dir);
  stops.push({ name: 'bot', stop: () => bot.child.stop() });
  out(`Started the bot (pid ${bot.child.pid}); its logs go to ${join(dir, 'bot.log')}.`);
  const sender = createSlackSender(world.slack, bot.eventsUrl, bot.secret);
  let feed: MessageFeed | undefined;
  let modals: ModalDesk | undefined;
  const chat = startTerminalChat({
    world,
    sender,
    feed: () => feed as MessageFeed,
    modals: () => modals as ModalDesk,
    input: options.input,
    output: options.output,
    ...(options.echo ? { echo: options.echo } : {}),
  });
  feed = startMessageFeed(world.slack, chat.print, { live: options.live ?? true });
  modals = startModalDesk(world.slack, sender, chat.print);
  stops.push({
    name: 'chat',
    stop: () => {
      feed?.stop();
      modals?.stop();
      chat.close();
    },
  });
  chat.print('Ready. You are alice.');
  return { world, terminal: chat, feed, botExited: bot.child.exited };
}

async function startDemoBot(world: SandboxWorld, redisUrl: string, dir: string) {
  const configPath = join(dir, 'eks-access.yaml');
  writeFileSync(configPath, DEMO_CONFIG);
  const port = await pickPort();
  // A signing secret made up for this run: the chat signs with it exactly as Slack signs with an app's secret.
  const secret = randomBytes(16).toString('hex');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    // A home of its own, so no ~/.aws profile or credentials file can be picked up.
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'aws-config-none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials-none'),
    SLACK_BOT_TOKEN: world.slack.botToken,
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: world.slack.apiUrl,
    PORT: String(port),
    REDIS_URL: redisUrl,
    EKS_ACCESS_CONFIG: configPath,
    EKS_ACCESS_REDIS_PREFIX: '{eks-access-demo}',
    LOG_LEVEL: 'info',
    ...world.awsEnv,
  };
  const child: BotChild = await startBotChild(env, join(dir, 'bot.log'));
  return { child, secret, eventsUrl: `http://127.0.0.1:${port}/slack/events` };
}
