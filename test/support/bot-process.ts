import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from './wait-for.ts';

const BIN = resolve(import.meta.dirname, '../../bin/eks-access.js');

export interface BotProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr, as it arrives. */
  output(): string;
  /** Only what it wrote to stdout. */
  stdout(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Runs the real CLI as a child process, configured only through its environment. */
export function spawnBot(args: readonly string[], env: NodeJS.ProcessEnv, options: { cwd?: string } = {}): BotProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let output = '';
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | string>((done) => {
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown'));
  });
  return {
    child,
    output: () => output,
    stdout: () => stdout,
    // Generous: start-up compiles the sources through tsx, and two processes starting at once on a loaded machine take a while.
    async waitForOutput(pattern, timeoutMs = 60_000) {
      await waitFor(
        () =>
          pattern.test(output) || (child.exitCode !== null ? Promise.reject(new Error(`exited:\n${output}`)) : false),
        {
          timeoutMs,
          what: `output matching ${pattern}\n--- output so far ---\n${output}`,
        },
      );
    },
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return await exited;
    },
  };
}
