/**
 * `eks-access demo`: the whole bot on embedded defaults with nothing but Node, `redis-server` and `openssl`.
 * A private redis-server, the loopback AWS and Slack fakes, the real bot as a child process pointed at them, and a
 * terminal chat in place of Slack. Everything it starts it stops again: on /quit, Ctrl-C, SIGTERM or a failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pickPort, startRedisServer } from '../../sandbox/redis-server.ts';
import { type BotChild, startBotChild } from './bot-child.ts';
import { type MessageFeed, startMessageFeed } from './message-feed.ts';
import { DEMO_CONFIG } from './personas.ts';
import { type SandboxWorld, startSandboxWorld } from './sandbox-world.ts';
import { createSlackSender } from './slack-sender.ts';
import { startTerminalChat } from './terminal-chat.ts';

export const DEMO_BANNER = `eks-access demo: a sandbox on this machine. Nothing here touches AWS or Slack.
EKS, STS, IAM, CloudTrail, the clusters' Kubernetes API and Slack are local fakes on 127.0.0.1;
the bot itself, Redis, BullMQ and the Slack request signing are the real thing.
  prod-cluster     access entries (API_AND_CONFIG_MAP)
  legacy-cluster   aws-auth only (CONFIG_MAP), with one classic mistake in it
You are alice (engineer); bob and carol approve. Type /help for commands. Try:
  grant me view on prod-cluster for 2h because INC-42
  why am I unauthorized on legacy-cluster
To run it for real (your Slack app, your AWS account), see "Running for real" in README.md.`;

type Stop = { name: string; stop: () => Promise<unknown> | unknown };

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
  mkdirSync(join(dir, 'redis'), { recursive: true });
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
    const redis = await startRedisServer({ dir: join(dir, 'redis') });
    stops.push({ name: 'redis-server', stop: () => redis.stop() });
    out(`Started redis-server (pid ${redis.pid}, ${redis.url}).`);
    const world = await startSandboxWorld();
    stops.push({ name: 'sandbox fakes', stop: () => world.close() });
    out('Started the AWS, Kubernetes and Slack fakes.');
    const bot = await startDemoBot(world, redis.url, dir);
    stops.push({ name: 'bot', stop: () => bot.child.stop() });
    out(`Started the bot (pid ${bot.child.pid}); its logs go to ${join(dir, 'bot.log')}.`);
    let feed: MessageFeed | undefined;
    const chat = startTerminalChat({
      world,
      sender: createSlackSender(world.slack, bot.eventsUrl, bot.secret),
      feed: () => feed as MessageFeed,
      input: process.stdin,
      output: process.stdout,
    });
    feed = startMessageFeed(world.slack, chat.print);
    quitChat = chat.close;
    stops.push({
      name: 'chat',
      stop: () => {
        feed?.stop();
        chat.close();
      },
    });
    chat.print('Ready. You are alice.');
    const ended = await Promise.race([chat.closed.then(() => 'quit'), bot.child.exited.then(() => 'bot')]);
    if (ended === 'bot') out(`The bot stopped unexpectedly; see ${join(dir, 'bot.log')}.`);
    const unmodelled = world.unexpected();
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
