import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from './wait-for.ts';

/** One redis-server (data node or sentinel) a test started, and can SIGKILL. */
export interface TestRedisProcess {
  port: number;
  url: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The settings production needs (the bot refuses an evicting Redis), with the append-only file on. */
const DATA_NODE = ['--save', '', '--maxmemory-policy', 'noeviction', '--appendonly', 'yes', '--appendfsync', 'always'];

async function spawnRedis(args: readonly string[], port: number): Promise<TestRedisProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited:\n${output}`);
      const probe = new Redis(port, '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => {});
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    },
    { timeoutMs: 15_000, intervalMs: 50, what: `redis-server on ${port}\n${output}` },
  );
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** A free loopback port whose cluster bus port (+10000) is free too. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface SentinelSet {
  primary: TestRedisProcess;
  replica: TestRedisProcess;
  sentinels: TestRedisProcess[];
  /** The name the sentinels monitor the primary under. */
  name: string;
  /** REDIS_SENTINELS and REDIS_SENTINEL_NAME for the bot. */
  env: NodeJS.ProcessEnv;
  /** The address Sentinel names as primary now. */
  primaryPort(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A primary, one replica and three sentinels (quorum 2) on loopback. A primary is judged down after 1 s without an
 * answer, so a SIGKILL is followed by a promotion within a few seconds.
 */
export async function startSentinelSet(): Promise<SentinelSet> {
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-sentinel-'));
  const name = 'eks-access-primary';
  const node = async (label: string, extra: string[]) => {
    const port = await freePortPair();
    const data = join(dir, label);
    mkdirSync(data, { recursive: true });
    return await spawnRedis(
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', data, ...DATA_NODE, ...extra],
      port,
    );
  };
  const primary = await node('primary', []);
  const replica = await node('replica', ['--replicaof', '127.0.0.1', String(primary.port)]);
  const replicaClient = new Redis(replica.port, '127.0.0.1');
  await waitFor(async () => /master_link_status:up/.test(await replicaClient.info('replication')), {
    timeoutMs: 15_000,
    what: 'the replica in sync with the primary',
  });
  replicaClient.disconnect();
  const sentinels: TestRedisProcess[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePortPair();
    const conf = join(dir, `sentinel-${i}.conf`);
    // Sentinel rewrites its config file (what it learned), so each needs its own writable one.
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    sentinels.push(await spawnRedis([conf, '--sentinel'], port));
  }
  // A failover needs the sentinels to know each other and the replica (learned through the primary, every ~2 s).
  for (const sentinel of sentinels) {
    const client = new Redis(sentinel.port, '127.0.0.1');
    await waitFor(
      async () => {
        const peers = (await client.call('SENTINEL', 'SENTINELS', name)) as unknown[];
        const replicas = (await client.call('SENTINEL', 'REPLICAS', name)) as unknown[];
        return peers.length === 2 && replicas.length === 1;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: `sentinel ${sentinel.port} to know its peers and the replica` },
    );
    client.disconnect();
  }
  return {
    primary,
    replica,
    sentinels,
    name,
    env: {
      REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      REDIS_SENTINEL_NAME: name,
    },
    async primaryPort() {
      const client = new Redis(sentinels[0]?.port ?? 0, '127.0.0.1');
      try {
        const [, port] = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string];
        return Number(port);
      } finally {
        client.disconnect();
      }
    },
    async stop() {
      await Promise.all([...sentinels, replica, primary].map((p) => p.stop('SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestCluster {
  nodes: TestRedisProcess[];
  /** REDIS_CLUSTER_NODES for the bot. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Three primaries (and `replicasPerPrimary` replicas of each), slots spread by `redis-cli --cluster create`. */
export async function startRedisCluster(options: { replicasPerPrimary?: number } = {}): Promise<TestCluster> {
  const replicas = options.replicasPerPrimary ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-cluster-'));
  const nodes: TestRedisProcess[] = [];
  for (let i = 0; i < 3 * (1 + replicas); i++) {
    const port = await freePortPair();
    const data = join(dir, `node-${i}`);
    mkdirSync(data, { recursive: true });
    nodes.push(
      await spawnRedis(
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          data,
          ...DATA_NODE,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(data, 'nodes.conf'),
          '--cluster-node-timeout',
          '5000',
        ],
        port,
      ),
    );
  }
  const created = spawnSync(
    'redis-cli',
    [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
  for (const node of nodes) {
    const client = new Redis(node.port, '127.0.0.1');
    await waitFor(async () => /cluster_state:ok/.test(String(await client.call('CLUSTER', 'INFO'))), {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: `cluster_state:ok on ${node.port}`,
    });
    await waitFor(
      async () => {
        const info = await client.info('replication');
        return /role:master/.test(info) || /master_link_status:up/.test(info);
      },
      { timeoutMs: 20_000, intervalMs: 100, what: `replica ${node.port} in sync` },
    );
    // Every node must know every shard's replicas (gossip), or a client may see a shard without them.
    await waitFor(
      async () => {
        const ranges = (await client.call('CLUSTER', 'SLOTS')) as unknown[][];
        return ranges.length > 0 && ranges.every((range) => range.length >= 3 + replicas);
      },
      { timeoutMs: 20_000, intervalMs: 100, what: `every shard's replicas known to ${node.port}` },
    );
    client.disconnect();
  }
  return {
    nodes,
    env: { REDIS_CLUSTER_NODES: nodes.map((n) => `127.0.0.1:${n.port}`).join(',') },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
