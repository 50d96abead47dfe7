import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface RedisServerOptions {
  /** Settings for the append-only file; a fresh temporary one when absent (and removed on stop). */
  dir?: string;
  /** Turn on the append-only file with `appendfsync always`. */
  isDurable?: boolean;
  port?: number;
  /**
   * The bot's own Redis: it dies with this process however that ends (SIGKILL included), keeps a pid file in
   * `dir`, and a server left running there by an earlier run is stopped before this one starts.
   */
  isTiedToParent?: boolean;
}

export interface RunningRedis {
  url: string;
  port: number;
  dir: string;
  pid: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export const REDIS_INSTALL_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: `apt-get install -y redis-server`, macOS: `brew install redis`) or set REDIS_URL.';

export function hasRedisServer(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

/** Starts a private `redis-server` child on a free loopback port and waits until it answers PING. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RunningRedis> {
  if (!hasRedisServer()) throw new Error(REDIS_INSTALL_HINT);
  const port = options.port ?? (await pickPort());
  const isTemp = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'eks-access-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--appendonly',
    options.isDurable ? 'yes' : 'no',
    ...(options.isDurable ? ['--appendfsync', 'always'] : []),
  ];
  const pidFile = join(dir, 'redis.pid');
  if (options.isTiedToParent) await stopStale(pidFile);
  const child = options.isTiedToParent
    ? spawn('sh', ['-c', TIED_TO_PARENT, 'eks-access-redis', ...args, '--pidfile', pidFile], {
        stdio: ['pipe', 'ignore', 'pipe'],
      })
    : spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitForPing(port, child, () => stderr);
  const pid = (options.isTiedToParent ? readPid(pidFile) : undefined) ?? child.pid ?? 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    pid,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // The wrapper stops redis-server (SIGTERM, so the append-only file is flushed) when its stdin closes.
        if (options.isTiedToParent && signal === 'SIGTERM') child.stdin?.end();
        else child.kill(signal);
        await exited;
      }
      if (isTemp) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs redis-server and waits on a pipe from the bot: the kernel closes the pipe when the bot exits for any reason,
 * even SIGKILL (which no handler in the bot can see), and the wrapper then stops redis-server.
 */
const TIED_TO_PARENT = `redis-server "$@" &
pid=$!
cat >/dev/null
kill -TERM "$pid" 2>/dev/null
wait "$pid"`;

function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * A redis-server an earlier run left behind in the same directory (its parent died before the wrapper existed, or
 * the machine was suspended mid-exit) would share the append-only file with the new one: stop it first. The pid
 * is trusted only while /proc says it is still a redis-server, so a recycled pid is never signalled.
 */
async function stopStale(pidFile: string): Promise<void> {
  const pid = readPid(pidFile);
  if (pid === undefined || !isRedisServer(pid)) return;
  const parent = parentOf(pid);
  if (parent !== undefined && commandLineOf(parent).includes('eks-access-redis')) {
    // Its wrapper is alive, so the bot that started it is too: two bots must not share one data directory.
    throw new Error(`another eks-access is running its Redis in ${dirname(pidFile)} (redis-server pid ${pid})`);
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (isRedisServer(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (isRedisServer(pid)) process.kill(pid, 'SIGKILL');
}

function isRedisServer(pid: number): boolean {
  return commandLineOf(pid).includes('redis-server') && statFields(pid)[0] !== 'Z';
}

function parentOf(pid: number): number | undefined {
  const ppid = Number.parseInt(statFields(pid)[1] ?? '', 10);
  return Number.isInteger(ppid) && ppid > 1 ? ppid : undefined;
}

/** /proc/<pid>/stat after the command name: state, ppid, …; empty when the process is gone (or not Linux). */
function statFields(pid: number): string[] {
  try {
    return (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  } catch {
    return [];
  }
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Asks the kernel for a free loopback port (closed again before it is returned). */
export async function pickPort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(port: number, child: ReturnType<typeof spawn>, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited early: ${stderr()}`);
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer PING on port ${port} within 10 s`);
}

async function ping(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}
