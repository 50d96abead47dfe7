import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobId } from '../../../src/adapters/queue/jobs.ts';
import { createProducer, type Producer } from '../../../src/adapters/queue/producer.ts';
import { NotReplicatedError } from '../../../src/adapters/queue/replica-wait.ts';
import { freePort } from '../../support/free-port.ts';
import { waitFor } from '../../support/wait-for.ts';

// A primary with one replica, both real redis-servers on loopback: what the web process stores before it answers
// Slack must be on the replica too, or the answer is an error (Slack resends; the person sees "try again").
const dir = mkdtempSync(join(tmpdir(), 'eks-access-replica-wait-'));
const servers: ChildProcess[] = [];
let primary: Redis;
let replica: Redis;
let replicaProcess: ChildProcess;
let producer: Producer;
let loneProducer: Producer;
let lone: Redis;

async function startServer(port: number, name: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--dbfilename',
      `${name}.rdb`,
      '--save',
      '',
      ...extra,
    ],
    { stdio: 'ignore' },
  );
  servers.push(child);
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
  probe.on('error', () => {}); // refused until the server listens; the loop below asks again
  await waitFor(async () => (await probe.ping().catch(() => '')) === 'PONG', { timeoutMs: 10_000, what: name });
  probe.disconnect();
  return child;
}

function payload(n: number) {
  return {
    inboundId: `replica-${n}`,
    requestId: `R1REPLICA${n}`,
    source: 'mention' as const,
    user: 'U0ALICE',
    channel: 'C0GENERAL',
    text: 'grant me view on prod',
  };
}

beforeAll(async () => {
  const primaryPort = await freePort();
  const replicaPort = await freePort();
  const lonePort = await freePort();
  await startServer(primaryPort, 'primary');
  replicaProcess = await startServer(replicaPort, 'replica', ['--replicaof', '127.0.0.1', String(primaryPort)]);
  await startServer(lonePort, 'lone');
  primary = new Redis(primaryPort, '127.0.0.1', { maxRetriesPerRequest: 1 });
  replica = new Redis(replicaPort, '127.0.0.1');
  lone = new Redis(lonePort, '127.0.0.1', { maxRetriesPerRequest: 1 });
  await waitFor(async () => /master_link_status:up/.test(await replica.info('replication')), {
    timeoutMs: 15_000,
    what: 'the replica to sync',
  });
  producer = createProducer(primary, '{replica-wait}', undefined, { timeoutMs: 300 });
  loneProducer = createProducer(lone, '{replica-wait}', undefined, { timeoutMs: 300 });
});

afterAll(async () => {
  replicaProcess?.kill('SIGCONT');
  await producer?.close();
  await loneProducer?.close();
  for (const client of [primary, replica, lone]) client?.disconnect();
  for (const server of servers) server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('acknowledged means replicated', () => {
  it('answers only once the replica holds the job', async () => {
    await producer.enqueueInbound(payload(1));

    // No wait here: WAIT already returned, so the replica must have the job now.
    const key = `{replica-wait}:eks-access:${jobId('in', 'replica-1')}`;
    expect(await replica.exists(key)).toBe(1);
  });

  it('fails the store, so Slack is not told "ok", while the replica does not acknowledge; works again after', async () => {
    replicaProcess.kill('SIGSTOP');
    const started = Date.now();
    const stalled = await producer.enqueueInbound(payload(2)).then(
      () => undefined,
      (error: unknown) => error,
    );
    const tookMs = Date.now() - started;
    replicaProcess.kill('SIGCONT');

    expect(stalled).toBeInstanceOf(NotReplicatedError);
    expect(String(stalled)).toContain('0 of 1 Redis replicas');
    expect(tookMs).toBeGreaterThanOrEqual(250);
    await producer.enqueueInbound(payload(3));
    expect(await replica.exists(`{replica-wait}:eks-access:${jobId('in', 'replica-3')}`)).toBe(1);
  });

  it('acks arriving together share WAITs (a group commit), and each job is on the replica when its ack returns', async () => {
    await primary.config('RESETSTAT');
    const ids = Array.from({ length: 50 }, (_, i) => 100 + i);

    await Promise.all(
      ids.map(async (n) => {
        await producer.enqueueInbound(payload(n));
        expect(await replica.exists(`{replica-wait}:eks-access:${jobId('in', `replica-${n}`)}`)).toBe(1);
      }),
    );

    const waits = Number(/^cmdstat_wait:calls=(\d+)/m.exec(await primary.info('commandstats'))?.[1] ?? '0');
    expect(waits).toBeGreaterThan(0);
    expect(waits).toBeLessThan(10);
  });

  it('does not wait at all on a Redis without replicas', async () => {
    await lone.config('RESETSTAT');

    await loneProducer.enqueueInbound(payload(4));

    expect(await lone.info('commandstats')).not.toContain('cmdstat_wait');
  });
});
