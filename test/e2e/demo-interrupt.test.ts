import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.ts';

const BIN = resolve(import.meta.dirname, '../../bin/eks-access.js');
const cwd = mkdtempSync(join(tmpdir(), 'eks-access-demo-int-'));

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Ctrl-C in a terminal sends SIGINT to the demo: it must stop the bot and the redis-server it started, too.
it('Ctrl-C (SIGINT) stops the bot and the redis-server the demo started', async () => {
  const demo = spawn(process.execPath, [BIN, 'demo'], {
    cwd,
    env: { PATH: process.env['PATH'], HOME: cwd },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  demo.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise((done) => demo.once('exit', (code, signal) => done(code ?? signal)));
  await waitFor(() => /Ready\. You are alice\./.test(stdout), { timeoutMs: 140_000, what: `demo ready\n${stdout}` });
  const redisPid = Number(/Started redis-server \(pid (\d+)/.exec(stdout)?.[1]);
  const botPid = Number(/Started the bot \(pid (\d+)\)/.exec(stdout)?.[1]);
  expect(isRunning(redisPid)).toBe(true);

  demo.kill('SIGINT');

  await exited;
  expect(isRunning(redisPid)).toBe(false);
  expect(isRunning(botPid)).toBe(false);
  expect(stdout).toContain('Stopped everything the demo started.');
}, 170_000);
