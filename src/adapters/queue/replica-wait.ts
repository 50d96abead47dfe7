import type { Redis } from 'ioredis';

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
}

export class NotReplicatedError extends Error {
  constructor(needed: number, acked: number, timeoutMs: number) {
    super(`stored, but only ${acked} of ${needed} Redis replicas acknowledged it within ${timeoutMs} ms`);
    this.name = 'NotReplicatedError';
  }
}

export function createReplicaWait(connection: () => Promise<Redis>, options: ReplicaWaitOptions): ReplicaWait {
  const recheckMs = options.recheckMs ?? 5_000;
  let known: { replicas: number; at: number } | undefined;
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
      const redis = await connection();
      const want = await needed(redis);
      if (want === 0) return;
      // WAIT covers every earlier write of this connection, the job just added included.
      const acked = Number(await redis.call('WAIT', want, options.timeoutMs));
      if (acked < want) throw new NotReplicatedError(want, acked, options.timeoutMs);
    },
  };
}
