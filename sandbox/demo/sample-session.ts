/**
 * The README's sample session, recorded from a real run of the demo (the same redis-server, fakes, bot child and
 * terminal chat as `eks-access demo`), so it cannot drift from what a newcomer sees. Each step types one line as the
 * current persona; a step that talks to the bot waits until the bot's answer is in the Slack fake and everything
 * has gone quiet, then prints what changed (each message in the version it ended in, never an intermediate one the
 * timing happened to catch). Button numbers are read from the transcript, as a person reads them off the screen.
 * `normalizeSession` replaces what differs between runs (request ids, times, pids, ports) with stable stand-ins.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { SlackWebApiFake } from '../slack/web-api.ts';
import { DEMO_BANNER, type Stop, startDemo } from './run-demo.ts';
import type { SandboxWorld } from './sandbox-world.ts';

export interface SessionStep {
  /** The line typed, or how to make it from the transcript so far (to read a button's number). */
  line: string | ((transcript: string) => string);
  /**
   * For a line the bot answers: what the Slack fake must hold (messages and modals, as the raw text and JSON the bot
   * sent, so mentions read `<@U0ALICE>`) before the
   * step ends; every pattern must match somewhere, in any order.
   */
  until?: RegExp | readonly RegExp[];
}

/** The label's button number, the last one printed (the freshest card): `[7] Deny` → 7. */
export function lastButton(label: string): (transcript: string) => number {
  return (transcript) => {
    const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const all = [...transcript.matchAll(new RegExp(`\\[(\\d+)\\] ${escaped}(?=\\s|$)`, 'g'))];
    const found = all.at(-1)?.[1];
    if (found === undefined) throw new Error(`no [n] ${label} button in the transcript so far`);
    return Number(found);
  };
}

const click = (label: string) => (transcript: string) => `/click ${lastButton(label)(transcript)}`;

/**
 * What the sample shows: a view grant approved, a Deny with its reason typed into the deny modal (after the client
 * refuses an empty one), a cluster-admin grant approved through the step-up modal (after a wrong cluster name, which
 * the bot answers with an error beside the field), and a revoke, then `/state` read from the fakes. Alice ends her
 * view grant with I'm done first, so the revoke has one grant to end whatever the reply to several is.
 */
export const SAMPLE_STEPS: readonly SessionStep[] = [
  { line: 'grant me view on prod-cluster for 2h because INC-42', until: [/INC-42/, /Waiting for approval/] },
  { line: '/as bob' },
  { line: click('Approve'), until: /granted and verified/ },
  { line: '/as alice' },
  { line: click("I'm done"), until: /\*view\* on `prod-cluster` for <@U0ALICE> was revoked/ },
  { line: 'grant me edit on prod-cluster for 4h because hotfix', until: [/hotfix/, /edit\*? on `prod-cluster`/] },
  { line: '/as carol' },
  { line: click('Deny'), until: /"type":"modal"/ },
  { line: '/submit' },
  { line: '/fill 1 not during the release freeze' },
  { line: '/submit', until: /Denied by[\s\S]*not during the release freeze/ },
  { line: '/as alice' },
  {
    line: 'grant me cluster-admin on prod-cluster for 1h because INC-43 etcd restore',
    until: [/etcd restore/, /cluster-admin\*? on `prod-cluster`/],
  },
  { line: '/as bob' },
  { line: click('Approve'), until: /Confirm approval/ },
  { line: '/fill 1 prod' },
  { line: '/submit' },
  { line: '/fill 1 prod-cluster' },
  { line: '/submit', until: /now has \*cluster-admin\*/ },
  { line: '/as alice' },
  { line: 'revoke my access to prod-cluster', until: /\*cluster-admin\* on `prod-cluster` for <@U0ALICE> was revoked/ },
  { line: '/state' },
];

export interface RecordOptions {
  steps?: readonly SessionStep[];
  /** How long the fakes must see no change before a step counts as answered. */
  quietMs?: number;
  /** Longest wait for a step's `until`. */
  stepTimeoutMs?: number;
  /** Start-up and step progress, for the script's user (not part of the transcript). */
  progress?: (text: string) => void;
}

export interface RecordedSession {
  /** Exactly what the terminal showed, from `$ npm run demo` on. */
  transcript: string;
  /** The fakes as the session left them (and what they were called with). */
  world: SandboxWorld;
  /** Stops everything the recording started; the fakes can be read until then. */
  stop(): Promise<void>;
}

/** Runs the demo in this process, types `steps` into its chat and returns the transcript (not yet normalized). */
export async function recordSession(options: RecordOptions = {}): Promise<RecordedSession> {
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-demo-sample-'));
  let transcript = `$ npm run demo\n${DEMO_BANNER}\n\n`;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      transcript += chunk.toString();
      done();
    },
  });
  const stops: Stop[] = [{ name: 'demo directory', stop: () => rmSync(dir, { recursive: true, force: true }) }];
  const stop = async () => {
    for (const part of stops.reverse()) await part.stop();
  };
  try {
    const demo = await startDemo({
      dir,
      out: (text) => {
        transcript += `${text}\n`;
      },
      stops,
      input: new PassThrough(),
      output,
      echo: 'prompt',
      live: false,
    });
    const slack = demo.world.slack;
    for (const step of options.steps ?? SAMPLE_STEPS) {
      const line = typeof step.line === 'string' ? step.line : step.line(transcript);
      options.progress?.(line);
      await demo.terminal.type(line);
      if (step.until) {
        await settled(slack, step.until, options.quietMs ?? 1_200, options.stepTimeoutMs ?? 30_000, line);
      }
      demo.feed.flush();
    }
    return { transcript, world: demo.world, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits for `until` to match what the Slack fake holds, then for the fakes to stay unchanged for `quietMs`. */
async function settled(
  slack: SlackWebApiFake,
  until: RegExp | readonly RegExp[],
  quietMs: number,
  timeoutMs: number,
  line: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastChange = Date.now();
  const touched = () => {
    lastChange = Date.now();
  };
  const offMessages = slack.onMessagesChanged(touched);
  const offViews = slack.onViewChanged(touched);
  try {
    for (;;) {
      const content = slackContent(slack);
      const matched = (Array.isArray(until) ? until : [until]).every((pattern: RegExp) => pattern.test(content));
      if (matched && Date.now() - lastChange >= quietMs) return;
      if (Date.now() > deadline) {
        throw new Error(
          `after "${line}" the bot did not answer with ${String(until)} within ${timeoutMs} ms; the fake holds:\n${content.slice(-3000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    offMessages();
    offViews();
  }
}

function slackContent(slack: SlackWebApiFake): string {
  const messages = [...slack.messages(), ...slack.messages({ isEphemeral: true })];
  return [
    ...messages.map((m) => `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`),
    ...slack.viewChanges().map((change) => JSON.stringify(change.view)),
  ].join('\n');
}

/**
 * What differs from run to run, replaced with stand-ins that read naturally: request ids (in order of appearance:
 * RSAMPLE0001, …), dates and times, pids, ports and the temporary directory.
 */
export function normalizeSession(transcript: string): string {
  const ids = new Map<string, string>();
  return transcript
    .replace(/\bR[0-9A-HJKMNP-TV-Z]{10}\b/g, (id) => {
      if (!ids.has(id)) ids.set(id, `RSAMPLE${String(ids.size + 1).padStart(4, '0')}`);
      return ids.get(id) ?? id;
    })
    .replace(/\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})? UTC\b/g, 'YYYY-MM-DD hh:mm UTC')
    .replace(/\bpid \d+/g, 'pid …')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:…')
    .replace(/its logs go to \S+bot\.log/g, 'its logs go to .eks-access/demo/bot.log')
    .replace(/[ \t]+$/gm, '');
}
