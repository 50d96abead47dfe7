import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerOptions {
  /** Settings for the append-only file; a fresh temporary one when absent (and removed on stop). */
  dir?: string;
  /** Turn on the append-only file with `appendfsync always`. */
  isDurable?: boolean;
  port?: number;
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
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitForPing(port, child, () => stderr);
  const pid = child.pid ?? 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    pid,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill(signal);
        await exited;
      }
      if (isTemp) rmSync(dir, { recursive: true, force: true });
    },
  };
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
