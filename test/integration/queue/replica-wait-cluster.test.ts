import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProducer, type Producer } from '../../../src/adapters/queue/producer.ts';
import { NotReplicatedError } from '../../../src/adapters/queue/replica-wait.ts';
import { startRedisCluster, type TestCluster } from '../../support/redis-topologies.ts';

// WAIT counts the replicas of the node it is sent to. On Redis Cluster the producer sends it to the primary that
// owns the prefix's slot (where the job went): stopping that primary's replica, and only it, makes the ack fail.
const PREFIX = '{eks-access}';
let redisCluster: TestCluster;
let client: Cluster;
let producer: Producer;
let stoppedReplica: number | undefined;

beforeAll(async () => {
  redisCluster = await startRedisCluster({ replicasPerPrimary: 1 });
  client = new Cluster(
    redisCluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
    {
      enableOfflineQueue: false,
      redisOptions: { maxRetriesPerRequest: 1 },
    },
  );
  await new Promise((resolve) => client.once('ready', resolve));
  producer = createProducer(client, PREFIX, undefined, { timeoutMs: 300 });
}, 60_000);

afterAll(async () => {
  if (stoppedReplica !== undefined) process.kill(stoppedReplica, 'SIGCONT');
  await producer?.close();
  client?.disconnect();
  await redisCluster?.stop();
});

function payload(n: number) {
  return {
    inboundId: `cluster-replica-${n}`,
    requestId: `R1CLUSTER${n}`,
    source: 'mention' as const,
    user: 'U0ALICE',
    channel: 'C0GENERAL',
    text: 'grant me view on prod',
  };
}

/** The port of the replica of the primary that owns `key`'s slot (CLUSTER SLOTS: [start, end, primary, replicas…]). */
async function replicaOfOwner(key: string): Promise<number> {
  const direct = new Redis(redisCluster.nodes[0]?.port ?? 0, '127.0.0.1');
  try {
    const slot = Number(await direct.call('CLUSTER', 'KEYSLOT', key));
    const ranges = (await direct.call('CLUSTER', 'SLOTS')) as [number, number, ...[string, number][]][];
    const range = ranges.find(([start, end]) => start <= slot && slot <= end);
    const replica = range?.[3];
    if (!replica) throw new Error(`no replica for slot ${slot}`);
    return Number(replica[1]);
  } finally {
    direct.disconnect();
  }
}

it('acknowledges once the slot owner’s replica has the job', async () => {
  await expect(producer.enqueueInbound(payload(1))).resolves.toBeUndefined();
});

it('refuses to acknowledge while the slot owner’s replica is stopped, though the other primaries’ replicas run', async () => {
  const port = await replicaOfOwner(PREFIX);
  const replica = redisCluster.nodes.find((n) => n.port === port);
  stoppedReplica = replica?.child.pid;
  expect(stoppedReplica).toBeDefined();
  process.kill(stoppedReplica ?? 0, 'SIGSTOP');

  await expect(producer.enqueueInbound(payload(2))).rejects.toBeInstanceOf(NotReplicatedError);

  process.kill(stoppedReplica ?? 0, 'SIGCONT');
  stoppedReplica = undefined;
  await expect(producer.enqueueInbound(payload(3))).resolves.toBeUndefined();
});
