import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DOC, sampleBlock } from '../../sandbox/demo/sample-block.ts';
import { normalizeSession, type RecordedSession, recordSession } from '../../sandbox/demo/sample-session.ts';
import { waitFor } from '../support/wait-for.ts';

// The machine running the suite may be busy: the bot alone can take a minute to start, so waits are generous.
const BIN = resolve(import.meta.dirname, '../../bin/eks-access.js');
const ALICE_ROLE = 'arn:aws:iam::111122223333:role/engineering/alice-dev';
const README = resolve(import.meta.dirname, '../..', SAMPLE_DOC);

/** The README's sample session recorded again (in this process, beside the child demo below). */
let recorded: RecordedSession | undefined;

/** `eks-access demo` as a person would run it, driven through its terminal: lines in on stdin, text out on stdout. */
let demo: ChildProcessByStdio<Writable, Readable, Readable>;
let stdout = '';
let stderr = '';
let exited: Promise<number | string>;
let cwd: string;

function type(line: string): number {
  const mark = stdout.length;
  demo.stdin.write(`${line}\n`);
  return mark;
}

/** Waits for output written after `since` to match, and returns that output. */
async function seen(pattern: RegExp, since: number, timeoutMs = 60_000): Promise<string> {
  return await waitFor(
    () => {
      const fresh = stdout.slice(since);
      return pattern.test(fresh) ? fresh : undefined;
    },
    { timeoutMs, what: `demo output matching ${pattern}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}` },
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  // Recorded while the child demo starts: the two runs share nothing but the machine.
  const recording = recordSession();
  cwd = mkdtempSync(join(tmpdir(), 'eks-access-demo-'));
  demo = spawn(process.execPath, [BIN, 'demo'], {
    cwd,
    env: { PATH: process.env['PATH'], HOME: cwd },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  demo.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  demo.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  exited = new Promise((done) => demo.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')));
  await seen(/Ready\. You are alice\./, 0, 140_000);
  recorded = await recording;
}, 200_000);

afterAll(async () => {
  await recorded?.stop();
  if (demo.exitCode === null && demo.signalCode === null) demo.kill('SIGTERM');
  await exited;
  rmSync(cwd, { recursive: true, force: true });
});

describe('npm run demo, driven through its terminal', () => {
  it('prints the banner: a sandbox, nothing touches AWS or Slack, and where to read how to run it for real', () => {
    expect(stdout).toContain('Nothing here touches AWS or Slack');
    expect(stdout).toContain('Running for real');
  });

  it('alice asks, bob approves with /click, and /state shows the access entry the bot created', async () => {
    const asked = type('grant me view on prod-cluster for 2h because INC-42');
    const card = await seen(/\[#eks-approvals\] eks-access:[\s\S]*\[(\d+)\] Approve/, asked);
    const approve = /\[(\d+)\] Approve/.exec(card)?.[1];

    type('/as bob');
    const clicked = type(`/click ${approve}`);
    const entry = new RegExp(`${ALICE_ROLE}: AmazonEKSViewPolicy \\[eks-access, R[0-9A-Z]+\\]`);
    const shown = await waitFor(
      async () => {
        const state = await seen(/legacy-cluster \(authentication mode/, type('/state'));
        return entry.test(state) ? state : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: `alice's entry in /state\n--- stdout ---\n${stdout}` },
    );

    expect(card).toContain('INC-42');
    expect(stdout.slice(clicked)).toContain('bob clicked');
    expect(shown).toMatch(entry);
  }, 150_000);

  it('explains why alice is unauthorized on legacy-cluster: aws-auth maps her role with its IAM path', async () => {
    type('/as alice');
    const asked = type('why am I unauthorized on legacy-cluster');
    const diagnosis = await seen(/eks-access \(updated\):[\s\S]*role\/alice-dev/, asked);

    expect(diagnosis).toContain('IAM path');
    expect(diagnosis).toContain('rolearn: arn:aws:iam::111122223333:role/alice-dev');
  }, 90_000);

  it('carol clicks Deny: the deny modal shows as a form, and /fill and /submit deny the request with her reason', async () => {
    const asked = type('grant me edit on prod-cluster for 1h because try the migration');
    const card = await seen(/\[#eks-approvals\] eks-access:[\s\S]*try the migration[\s\S]*\[(\d+)\] Deny/, asked);
    const deny = /\[(\d+)\] Deny/.exec(card.slice(card.indexOf('try the migration')))?.[1];

    type('/as carol');
    const clicked = type(`/click ${deny}`);
    const modal = await seen(/\[modal, only @carol sees this\][\s\S]*└ [^\n]*\/submit = Deny/, clicked);
    type('/fill 1 not before the backup');
    const submitted = type('/submit');
    const denied = await seen(/Denied by @carol: not before the backup\./, submitted);
    type('/as alice');

    expect(modal).toContain('(1) Reason: (empty)');
    expect(stdout.slice(clicked)).toContain('carol clicked');
    expect(denied).toContain('(the modal closed)');
  }, 90_000);

  it('/submit and /fill with no modal open say so instead of doing nothing', async () => {
    const typed = type('/submit');

    expect(await seen(/No modal is open for @alice\./, typed)).toBeTruthy();
  });

  it('answers a button number it never showed with a reason', async () => {
    const typed = type('/click 999');

    expect(await seen(/There is no button \[999\]\./, typed)).toBeTruthy();
  });

  it('/quit stops everything it started: the bot and its redis-server are gone and it exits 0', async () => {
    const redisPid = Number(/Started redis-server \(pid (\d+)/.exec(stdout)?.[1]);
    const botPid = Number(/Started the bot \(pid (\d+)\)/.exec(stdout)?.[1]);
    expect(isRunning(redisPid)).toBe(true);
    expect(isRunning(botPid)).toBe(true);

    type('/quit');

    expect(await exited).toBe(0);
    expect(isRunning(redisPid)).toBe(false);
    expect(isRunning(botPid)).toBe(false);
    expect(stdout).toContain('Stopped everything the demo started.');
    expect(stdout).not.toContain('calls they do not model');
  });
});

describe("README's sample session, recorded again from a real run", () => {
  const session = () => normalizeSession((recorded as RecordedSession).transcript);

  it('is what docs/demo.md shows between the demo-session markers (regenerate with npm run demo:sample)', () => {
    const inReadme = sampleBlock(readFileSync(README, 'utf8'));

    expect(inReadme, 'README.md lost its demo-session markers').toBeDefined();
    expect(inReadme, 'the README sample drifted from the demo: run `npm run demo:sample`').toBe(session());
  });

  it('has no dead end: every line typed is answered, none with "no such button" or "no modal"', () => {
    const text = session();

    expect(text).not.toMatch(/There is no button|No modal is open|could not send that|the bot answered HTTP/);
    expect(text).toMatch(/bob> \/click (\d+)\n[\s\S]*Approved by @bob; granted and verified/);
  });

  it("Deny through the deny modal ends alice's request as denied, with carol's reason, on the card and in her thread", () => {
    const slack = (recorded as RecordedSession).world.slack;
    const card = slack.messages({ channel: 'C0APPROVALS', text: /hotfix/ })[0];
    const thread = slack.messages({ channel: 'C0GENERAL', text: /Denied by <@U0CAROL>/ });

    expect(session()).toMatch(
      /⚠ Please complete this required field\.[\s\S]*\(1\) Reason: "not during the release freeze"/,
    );
    expect(JSON.stringify(card?.blocks)).toContain('Denied by <@U0CAROL>: not during the release freeze.');
    expect(thread.map((m) => m.text)).toContainEqual(expect.stringContaining('not during the release freeze'));
    expect(JSON.stringify(card?.blocks)).not.toContain('eks_access_approve');
  });

  it('approving cluster-admin needs the cluster name typed in the step-up modal, and then grants it', () => {
    const { world } = recorded as RecordedSession;
    const associated = world.eks
      .callsTo('AssociateAccessPolicy')
      .filter((call) => call.status === 200 && call.body.includes('AmazonEKSClusterAdminPolicy'));
    const refusal = /⚠ That is not prod-cluster\.[^\n]*nothing was approved/;

    expect(session()).toMatch(refusal);
    expect(associated.map((call) => decodeURIComponent(call.path))).toEqual([expect.stringContaining(ALICE_ROLE)]);
    expect(world.slack.messages({ text: /now has \*cluster-admin\* on `prod-cluster`/ })).not.toHaveLength(0);
  });

  it('the revoke takes alice off prod-cluster: /state at the end lists only the creator and bob', () => {
    const state = session().split('alice> /state\n')[1] ?? '';

    expect(state).toContain('access entries (2):');
    expect(state.split('legacy-cluster')[0]).not.toContain(ALICE_ROLE);
  });
});
