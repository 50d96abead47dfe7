import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../src/runtime/redis-server.ts';
import { spawnBot } from '../support/bot-process.ts';
import { freePort } from '../support/free-port.ts';
import { waitFor } from '../support/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'eks-access-redis-modes-'));
const configPath = join(dir, 'eks-access.yaml');
writeFileSync(
  configPath,
  'clusters:\n  - name: prod-cluster\n    region: us-east-1\n    accountId: "111122223333"\n    approvers: [U0APPROVER1]\n',
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function baseEnv(): Promise<NodeJS.ProcessEnv> {
  return {
    PATH: process.env['PATH'],
    HOME: dir,
    SLACK_BOT_TOKEN: 'xoxb-redis-modes-test',
    SLACK_SIGNING_SECRET: 'redis-modes-signing-secret',
    EKS_ACCESS_CONFIG: configPath,
    EKS_ACCESS_REDIS_PREFIX: '{redis-modes}',
    PORT: String(await freePort()),
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

function startedRedis(stdout: string): { url: string; pid: number; dir: string } {
  const line = stdout.split('\n').find((l) => l.includes('started a private redis-server'));
  return JSON.parse(line ?? '{}') as { url: string; pid: number; dir: string };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Redis at start-up', () => {
  it('without REDIS_URL starts a private, durable, non-evicting redis-server, says so, and stops it on SIGTERM', async () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const env = await baseEnv();
    const bot = spawnBot(['start'], env, { cwd });
    await bot.waitForOutput(/eks-access is running/, 30_000);
    const line = bot
      .stdout()
      .split('\n')
      .find((l) => l.includes('started a private redis-server'));
    const started = JSON.parse(line ?? '{}') as { url: string; pid: number; dir: string };
    const redis = new Redis(started.url);
    const config = async (key: string) => ((await redis.call('CONFIG', 'GET', key)) as string[])[1];
    const settings = {
      appendonly: await config('appendonly'),
      appendfsync: await config('appendfsync'),
      policy: await config('maxmemory-policy'),
      dir: await config('dir'),
    };
    await redis.quit();
    const health = await fetch(`http://127.0.0.1:${env['PORT']}/healthz`);

    const code = await bot.kill('SIGTERM');

    expect(settings).toEqual({
      appendonly: 'yes',
      appendfsync: 'always',
      policy: 'noeviction',
      dir: join(cwd, '.eks-access', 'redis'),
    });
    expect(health.status).toBe(200);
    expect(code).toBe(0);
    expect(isAlive(started.pid)).toBe(false);
  });

  it('the private redis-server dies with the bot even when the bot is SIGKILLed', async () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const bot = spawnBot(['start'], await baseEnv(), { cwd });
    await bot.waitForOutput(/eks-access is running/, 30_000);
    const started = startedRedis(bot.stdout());
    expect(isAlive(started.pid)).toBe(true);

    await bot.kill('SIGKILL');

    await waitFor(async () => !isAlive(started.pid), { timeoutMs: 10_000, what: 'redis-server to exit' });
  });

  it('stops a redis-server an earlier run left in the same directory, then starts its own', async () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const redisDir = join(cwd, '.eks-access', 'redis');
    mkdirSync(redisDir, { recursive: true });
    const port = await freePort();
    const pidFile = join(redisDir, 'redis.pid');
    const stale = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir, '--pidfile', pidFile, '--save', ''],
      {
        stdio: 'ignore',
      },
    );
    // redis-server creates the file, then writes the pid: wait for the number, not just the file.
    const pidIn = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0);
    await waitFor(async () => pidIn() > 0, { timeoutMs: 10_000, what: 'the stale pid file' });
    const stalePid = pidIn();

    const bot = spawnBot(['start'], await baseEnv(), { cwd });
    await bot.waitForOutput(/eks-access is running/, 30_000);
    const started = startedRedis(bot.stdout());
    const code = await bot.kill('SIGTERM');

    expect(stalePid).toBe(stale.pid);
    expect(stale.exitCode ?? stale.signalCode).not.toBeNull();
    expect(started.pid).not.toBe(stalePid);
    expect(code).toBe(0);
  });

  it('without REDIS_URL and without redis-server on PATH exits 1 with the install command', async () => {
    const env = { ...(await baseEnv()), PATH: mkdtempSync(join(dir, 'empty-path-')) };
    const bot = spawnBot(['start'], env, { cwd: mkdtempSync(join(dir, 'cwd-')) });

    const code = await bot.exited;

    expect(code).toBe(1);
    expect(bot.output()).toContain('redis-server was not found on PATH');
    expect(bot.output()).toContain('apt-get install -y redis-server');
    expect(bot.output()).toContain('brew install redis');
  });

  it('with REDIS_URL refuses a Redis whose maxmemory-policy evicts keys, naming the fix', async () => {
    const server = await startRedisServer({ isDurable: true });
    const admin = new Redis(server.url);
    await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    await admin.quit();
    const bot = spawnBot(['start'], { ...(await baseEnv()), REDIS_URL: server.url });

    const code = await bot.exited;
    await server.stop();

    expect(code).toBe(1);
    expect(bot.output()).toContain('maxmemory-policy is "allkeys-lru"');
    expect(bot.output()).toContain('noeviction');
  });

  it('with REDIS_URL warns loudly when neither the append-only file nor RDB snapshots are on, and still runs', async () => {
    const server = await startRedisServer({ isDurable: false });
    const env = { ...(await baseEnv()), REDIS_URL: server.url };
    const bot = spawnBot(['start'], env);
    await bot.waitForOutput(/eks-access is running/, 30_000);

    const code = await bot.kill('SIGTERM');
    await server.stop();

    expect(bot.output()).toMatch(/"level":40.*WARNING: Redis persistence is OFF/);
    expect(code).toBe(0);
  });

  it('with REDIS_URL and the append-only file on, starts without a persistence warning', async () => {
    const server = await startRedisServer({ isDurable: true });
    const bot = spawnBot(['start'], { ...(await baseEnv()), REDIS_URL: server.url });
    await bot.waitForOutput(/eks-access is running/, 30_000);

    const code = await bot.kill('SIGTERM');
    await server.stop();

    expect(bot.output()).not.toContain('WARNING');
    expect(code).toBe(0);
  });
});
