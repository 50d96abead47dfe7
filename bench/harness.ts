/**
 * What the process benchmarks share: a private redis-server, the real CLI roles as child processes pointed at the
 * loopback fakes through their environment only (as in production), a signed keep-alive Slack client, RSS and
 * Redis INFO readings.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { sandboxAwsEnv } from '../sandbox/aws/endpoint-env.ts';
import { signedHeaders } from '../sandbox/slack/sign.ts';
import type { SlackWebApiFake } from '../sandbox/slack/web-api.ts';
import type { BotProcess } from '../test/support/bot-process.ts';
import { waitFor } from '../test/support/wait-for.ts';
import { caged, type MemoryCage } from './memory-limit.ts';

export { freePort } from '../test/support/free-port.ts';
export { type BotProcess, waitFor };

export const SIGNING_SECRET = 'bench-signing-secret-not-real';
export const BOT_KEY = { accessKeyId: 'AKIABENCHBOTKEY00001', secretAccessKey: 'bench-secret-access-key-not-real' };

/**
 * The environment of `eks-access start` in a benchmark: the Slack fake, the AWS fakes (with the bot's key), the
 * private Redis and the config file, and nothing from the machine's own AWS profiles. `extra` adds or overrides.
 * Without `aws` (the web role, which loads no AWS SDK) no AWS endpoint or key is set.
 */
export function benchBotEnv(input: {
  dir: string;
  port: number;
  redisUrl: string;
  configPath: string;
  slack: Pick<SlackWebApiFake, 'botToken' | 'apiUrl'>;
  aws?: Parameters<typeof sandboxAwsEnv>[0];
  extra?: NodeJS.ProcessEnv;
}): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: input.dir,
    NODE_ENV: 'production',
    SLACK_BOT_TOKEN: input.slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: input.slack.apiUrl,
    PORT: String(input.port),
    REDIS_URL: input.redisUrl,
    EKS_ACCESS_CONFIG: input.configPath,
    ...(input.aws ? sandboxAwsEnv(input.aws, BOT_KEY) : {}),
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    LOG_LEVEL: 'warn',
    ...input.extra,
  };
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** `used_memory` from INFO memory, in bytes. */
export async function redisUsedBytes(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/**
 * With BENCH_CPU_PROF=<dir>, every process a benchmark starts writes a V8 CPU profile there when it exits. With
 * BENCH_NODE_FLAGS (e.g. `--trace-gc`, which NODE_OPTIONS refuses), each gets those flags; its output file has the
 * trace.
 */
function profileArgs(): string[] {
  const dir = process.env['BENCH_CPU_PROF'];
  const extra = process.env['BENCH_NODE_FLAGS']?.split(' ').filter(Boolean) ?? [];
  return [...extra, ...(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [])];
}

/** The real CLI (`eks-access <role>`) as a child process, configured only through its environment. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv, cage?: MemoryCage): BotProcess {
  return spawnNode([...profileArgs(), resolve(import.meta.dirname, '../bin/eks-access.js'), ...args], env, cage);
}

/** A plain script (not the CLI) as a child process, e.g. the bare Bolt baseline. */
export function spawnScript(file: string, env: NodeJS.ProcessEnv): BotProcess {
  return spawnNode([...profileArgs(), '--import', 'tsx', resolve(import.meta.dirname, file)], env);
}

/**
 * Children write stdout and stderr to a file, not to a pipe: a pipe would wake the benchmark's own event loop for
 * every log line the product writes (one per acknowledged event at info level), and the sender's measurement of
 * the product, not of the baseline, would pay for it. The product still pays for writing its lines.
 */
function spawnNode(args: readonly string[], env: NodeJS.ProcessEnv, cage?: MemoryCage): BotProcess {
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-bench-out-'));
  const file = join(dir, 'output.log');
  const fd = openSync(file, 'a');
  const [command, argv] = cage ? caged(cage, process.execPath, args) : [process.execPath, [...args]];
  const child = spawn(command, argv, { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  // Once the child has exited its output is kept in memory and the file removed.
  let finalOutput: string | undefined;
  const output = () => finalOutput ?? (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const exited = new Promise<number | string>((done) => {
    child.once('exit', (code, signal) => {
      finalOutput = output();
      rmSync(dir, { recursive: true, force: true });
      done(code ?? signal ?? 'unknown');
    });
  });
  return {
    child,
    output,
    stdout: output,
    async waitForOutput(pattern, timeoutMs = 60_000) {
      await waitFor(
        () => pattern.test(output()) || (child.exitCode !== null ? Promise.reject(new Error(output())) : false),
        {
          timeoutMs,
          intervalMs: 100,
          what: `output matching ${pattern}`,
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

export interface PacedRun {
  /** Per request, send to complete response, ms. */
  latencies: number[];
  /** Requests that did not get HTTP 200 (or failed on the socket). */
  errors: number;
  elapsedMs: number;
}

/**
 * Open-loop load: request i leaves at start + i / rate, whether or not earlier ones have answered (as Slack sends),
 * over a keep-alive agent. Each body is signed when it leaves, with the current timestamp.
 */
export async function sendPaced(url: string, bodies: readonly string[], ratePerSec: number): Promise<PacedRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < bodies.length; i++) {
    const due = started + (i * 1000) / ratePerSec;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((done) => setTimeout(done, wait));
    const body = bodies[i] ?? '';
    inFlight.push(
      postOnce(agent, target, body).then(
        (result) => {
          if (result.status === 200) latencies.push(result.ms);
          else errors += 1;
        },
        () => {
          errors += 1;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { latencies, errors, elapsedMs };
}

/**
 * `sendPaced` to several targets in the same seconds: event i of target k leaves at start + (i + k / n) / rate, so
 * whatever else the machine does at a moment falls on all targets alike. Each target has its own agent and result.
 */
export async function sendPacedTogether(
  targets: readonly { url: string; bodies: readonly string[] }[],
  ratePerSec: number,
): Promise<PacedRun[]> {
  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: 64 }));
  const runs: PacedRun[] = targets.map(() => ({ latencies: [], errors: 0, elapsedMs: 0 }));
  const longest = Math.max(0, ...targets.map((t) => t.bodies.length));
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < longest; i++) {
    for (let k = 0; k < targets.length; k++) {
      const body = targets[k]?.bodies[i];
      const agent = agents[k];
      const run = runs[k];
      if (body === undefined || !agent || !run || !targets[k]) continue;
      const due = started + ((i + k / targets.length) * 1000) / ratePerSec;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((done) => setTimeout(done, wait));
      inFlight.push(
        postOnce(agent, new URL(targets[k]?.url ?? ''), body).then(
          (result) => {
            if (result.status === 200) run.latencies.push(result.ms);
            else run.errors += 1;
          },
          () => {
            run.errors += 1;
          },
        ),
      );
    }
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - started;
  for (const agent of agents) agent.destroy();
  return runs.map((run) => ({ ...run, elapsedMs }));
}

function postOnce(agent: Agent, url: URL, body: string): Promise<{ status: number; ms: number }> {
  return new Promise((done, fail) => {
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...signedHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000)),
    };
    const sent = performance.now();
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers },
      (res) => {
        res.resume();
        res.once('end', () => done({ status: res.statusCode ?? 0, ms: performance.now() - sent }));
      },
    );
    req.once('error', fail);
    req.end(body);
  });
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux; clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
