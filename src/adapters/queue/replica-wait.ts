import { Cluster, type Redis } from 'ioredis';
import type { RedisConnection } from './connection.ts';
import { createWaitGroup, type WaitGroup } from './wait-group.ts';

/**
 * "Acknowledged means replicated": after a job from Slack is stored, and before Slack is answered, WAIT until
 * enough replicas have it. Replication is asynchronous, so without this a failover right after the answer could
 * lose a click or a slash command that Slack will never send again.
 */
export interface ReplicaWait {
  /** Resolves once `needed` replicas acknowledged every write this connection made; throws when they did not. */
  afterWrite(): Promise<void>;
}

export interface ReplicaWaitOptions {
  /** REDIS_MIN_REPLICAS_ACKED; absent: 1 while the primary reports a connected replica, else 0. */
  minReplicas?: number;
  /** How long WAIT may take before the write counts as not replicated. */
  timeoutMs: number;
  /** How long a replica count read from INFO stays valid (replicas come and go with failovers). */
  recheckMs?: number;
  /**
   * On Redis Cluster: a key of the slot the writes went to (the prefix with its hash tag). WAIT counts only the
   * replicas of the node it is sent to, so it goes to the primary owning that slot, over the same connection the
   * writes used.
   */
  slotKey?: string;
}

export class NotReplicatedError extends Error {
  constructor(needed: number, acked: number, timeoutMs: number) {
    super(`stored, but only ${acked} of ${needed} Redis replicas acknowledged it within ${timeoutMs} ms`);
    this.name = 'NotReplicatedError';
  }
}

export function createReplicaWait(
  connection: () => Promise<RedisConnection>,
  options: ReplicaWaitOptions,
): ReplicaWait {
  const recheckMs = options.recheckMs ?? 5_000;
  let known: { replicas: number; at: number } | undefined;
  // One group per connection WAIT is sent on (on a cluster, the slot owner's, which a failover replaces).
  const groups = new WeakMap<Redis, WaitGroup>();
  const groupOf = (redis: Redis): WaitGroup => {
    const group = groups.get(redis) ?? createWaitGroup(redis, options.timeoutMs);
    groups.set(redis, group);
    return group;
  };
  const needed = async (redis: Redis): Promise<number> => {
    if (options.minReplicas !== undefined) return options.minReplicas;
    if (!known || Date.now() - known.at > recheckMs) {
      const info = await redis.info('replication');
      const connected = Number(/^connected_slaves:(\d+)/m.exec(info)?.[1] ?? '0');
      known = { replicas: connected, at: Date.now() };
    }
    return known.replicas > 0 ? 1 : 0;
  };
  return {
    async afterWrite() {
      const client = await connection();
      const redis = client instanceof Cluster ? await slotOwner(client, options.slotKey) : client;
      const want = await needed(redis);
      if (want === 0) return;
      // WAIT covers every earlier write of this connection, the job just added included.
      const acked = await groupOf(redis).wait(want);
      if (acked < want) {
        known = undefined; // a failover may have just taken the replica away: count again next time
        throw new NotReplicatedError(want, acked, options.timeoutMs);
      }
    },
  };
}

const knownSlots = new Map<string, number>();

/**
 * The cluster client's own connection to the primary that owns `slotKey`'s slot: the connection the writes went
 * through. Throws (so Slack is answered with an error) while the slot map is not known.
 */
async function slotOwner(cluster: Cluster, slotKey: string | undefined): Promise<Redis> {
  if (slotKey === undefined) throw new Error('replica wait on Redis Cluster needs the key whose slot was written');
  // A key's slot never changes: asked once per key, not on every acknowledgement.
  const slot = knownSlots.get(slotKey) ?? Number(await cluster.call('CLUSTER', 'KEYSLOT', slotKey));
  knownSlots.set(slotKey, slot);
  const owner = cluster.slots[slot]?.[0];
  const node = cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner);
  if (!node) throw new Error(`no connected Redis Cluster primary owns slot ${slot} (of "${slotKey}")`);
  return node;
}
