import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { RedisTopology } from '../../config/redis-topology.ts';

/**
 * What every adapter talks to: one Redis (REDIS_URL, or the primary Sentinel points at) or a Redis Cluster. Both
 * offer the same commands; every key carries the prefix's hash tag, so on a cluster they all live on one node.
 */
export type RedisConnection = Redis | Cluster;

/** A bare string is REDIS_URL (tests, benchmarks, the private redis-server). */
export type RedisWhere = RedisTopology | string;

/**
 * Producers on the Slack ack path fail fast while Redis is down (no offline queue), so the receiver
 * answers 5xx and Slack retries instead of being told "ok" for something not stored.
 */
export function createProducerConnection(where: RedisWhere): RedisConnection {
  return connect(where, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
}

/** Workers must wait for Redis rather than fail jobs (BullMQ requires maxRetriesPerRequest: null). */
export function createWorkerConnection(where: RedisWhere): RedisConnection {
  return connect(where, { maxRetriesPerRequest: null });
}

/**
 * The workers' own reads and writes (requests, messages, audit, pacing): commands issued in the same tick go to
 * Redis in one write (ioredis auto-pipelining), which under load is most of the saving. Kept off BullMQ's
 * connections, where auto-pipelining has been reported to break job handling.
 */
export function createStoreConnection(where: RedisWhere): RedisConnection {
  return connect(where, { maxRetriesPerRequest: null, enableAutoPipelining: true });
}

/**
 * For the start-up check only: gives up instead of retrying, so a wrong address is a clear error at once. Cluster
 * and Sentinel clients would otherwise retry for ever.
 */
export function createCheckConnection(where: RedisWhere): RedisConnection {
  return connect(where, {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    connectTimeout: 5_000,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
  });
}

/**
 * After a failover the old primary may come back as a replica while a client still writes to it: READONLY means
 * "reconnect (Sentinel then names the new primary) and send the command again" — it was refused, so resending is safe.
 */
function reconnectOnReadonly(error: Error): 2 | false {
  return error.message.startsWith('READONLY') ? 2 : false;
}

function connect(where: RedisWhere, options: RedisOptions): RedisConnection {
  const topology: RedisTopology = typeof where === 'string' ? { kind: 'url', url: where } : where;
  const base: RedisOptions = { ...options, reconnectOnError: reconnectOnReadonly };
  switch (topology.kind) {
    case 'url':
      return new Redis(topology.url, base);
    case 'sentinel':
      return new Redis({
        ...base,
        sentinels: topology.sentinels,
        name: topology.name,
        ...(topology.sentinelPassword ? { sentinelPassword: topology.sentinelPassword } : {}),
        ...dataAuth(topology),
        ...(topology.isTls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
        // Sentinel's +switch-master moves the client at once, rather than when the old primary's socket breaks.
        failoverDetector: true,
      });
    case 'cluster': {
      const { enableOfflineQueue, enableAutoPipelining, lazyConnect, retryStrategy, ...perNode } = base;
      const clusterOptions: ClusterOptions = {
        ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
        ...(enableAutoPipelining === undefined ? {} : { enableAutoPipelining }),
        ...(lazyConnect === undefined ? {} : { lazyConnect }),
        ...(retryStrategy === undefined ? {} : { clusterRetryStrategy: () => null }),
        redisOptions: { ...perNode, ...dataAuth(topology), ...(topology.isTls ? { tls: {} } : {}) },
        // ElastiCache's TLS certificates name the configuration endpoint: keep the host names as given.
        ...(topology.isTls ? { dnsLookup: (address, lookedUp) => lookedUp(null, address) } : {}),
      };
      return new Cluster(topology.nodes, clusterOptions);
    }
  }
}

function dataAuth(auth: { username?: string; password?: string }): Pick<RedisOptions, 'username' | 'password'> {
  return {
    ...(auth.username ? { username: auth.username } : {}),
    ...(auth.password ? { password: auth.password } : {}),
  };
}
