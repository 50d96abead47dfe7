/**
 * The real bot (`eks-access start`: Bolt front end and BullMQ workers) as a child process, configured only through
 * its environment as in production. Its JSON logs go to a file so the terminal stays a chat.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/eks-access.js');
const READY = /eks-access is running/;
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 12_000;

export interface BotChild {
  pid: number;
  /** Resolves with the exit code (or signal) when the bot ends, whoever ended it. */
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

/** Starts the bot and resolves once it logs that it is running; rejects with the log's tail when it exits first. */
export async function startBotChild(env: Record<string, string>, logPath: string): Promise<BotChild> {
  const log = createWriteStream(logPath, { flags: 'w' });
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const remember = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  const exited = new Promise<number | string>((done) => {
    child.once('exit', (code, signal) => {
      log.end();
      done(code ?? signal ?? 'unknown');
    });
  });
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`the bot did not start within ${START_TIMEOUT_MS} ms:\n${tail}`)),
      START_TIMEOUT_MS,
    );
    const watch = () => {
      if (!READY.test(tail)) return;
      clearTimeout(timer);
      child.stdout?.off('data', watch);
      ready();
    };
    child.stdout?.on('data', watch);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`the bot exited (${code}) while starting:\n${tail}`));
    });
  }).catch(async (error: unknown) => {
    await stopChild(child, exited);
    throw error;
  });
  return { pid: child.pid ?? 0, exited, stop: () => stopChild(child, exited) };
}

/** SIGTERM (the bot drains and exits within its 10 s deadline), then SIGKILL if it has not. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
