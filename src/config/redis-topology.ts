/** A `host:port` of a Sentinel or a cluster node. */
export interface RedisAddress {
  host: string;
  port: number;
}

/** Credentials for the data nodes (primary, replicas, cluster shards), never for the sentinels. */
export interface RedisAuth {
  username?: string;
  password?: string;
  /** REDIS_TLS: TLS to the data nodes (ElastiCache/MemoryDB with encryption in transit). */
  isTls?: boolean;
}

/**
 * Which Redis the bot uses, from exactly one of REDIS_URL, REDIS_SENTINELS (+ REDIS_SENTINEL_NAME) or
 * REDIS_CLUSTER_NODES. With REDIS_URL the credentials and TLS are in the URL; the other two take
 * REDIS_USERNAME / REDIS_PASSWORD / REDIS_TLS, since they name several hosts and no URL.
 */
export type RedisTopology =
  | { kind: 'url'; url: string }
  | ({ kind: 'sentinel'; sentinels: RedisAddress[]; name: string; sentinelPassword?: string } & RedisAuth)
  | ({ kind: 'cluster'; nodes: RedisAddress[] } & RedisAuth);

const TOPOLOGY_VARS = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;

/**
 * Reads the topology; `undefined` when none is set (only `start` may run so: it starts a private Redis). Problems
 * are appended to `problems`, each naming the variable and what a good value looks like.
 */
export function readRedisTopology(env: NodeJS.ProcessEnv, problems: string[]): RedisTopology | undefined {
  const given = TOPOLOGY_VARS.filter((name) => env[name]?.trim());
  if (given.length > 1) {
    problems.push(
      `${given.join(' and ')} are all set: set exactly one of REDIS_URL (one Redis), REDIS_SENTINELS (Redis with ` +
        'Sentinel) or REDIS_CLUSTER_NODES (Redis Cluster)',
    );
    return undefined;
  }
  const auth = readAuth(env);
  if (given[0] === 'REDIS_URL') return { kind: 'url', url: env['REDIS_URL']?.trim() ?? '' };
  if (given[0] === 'REDIS_SENTINELS') {
    const sentinels = readAddresses(env, 'REDIS_SENTINELS', problems);
    const name = env['REDIS_SENTINEL_NAME']?.trim();
    if (!name) {
      problems.push(
        'REDIS_SENTINEL_NAME is missing: the name Sentinel monitors the primary under (`sentinel monitor <name> …`, often "mymaster")',
      );
    }
    const sentinelPassword = env['REDIS_SENTINEL_PASSWORD'] || undefined;
    return {
      kind: 'sentinel',
      sentinels,
      name: name ?? '',
      ...(sentinelPassword ? { sentinelPassword } : {}),
      ...auth,
    };
  }
  if (given[0] === 'REDIS_CLUSTER_NODES') {
    return { kind: 'cluster', nodes: readAddresses(env, 'REDIS_CLUSTER_NODES', problems), ...auth };
  }
  for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'] as const) {
    if (env[name]?.trim()) problems.push(`${name} is set but REDIS_SENTINELS is not: list the sentinels (host:port,…)`);
  }
  return undefined;
}

/** One line for logs and errors: where the bot looks for Redis, without credentials. */
export function describeRedisTopology(topology: RedisTopology): string {
  const list = (addresses: RedisAddress[]) => addresses.map((a) => `${a.host}:${a.port}`).join(',');
  switch (topology.kind) {
    case 'url':
      return `REDIS_URL (${topology.url.replace(/\/\/[^@/]*@/, '//***@')})`;
    case 'sentinel':
      return `REDIS_SENTINELS ${list(topology.sentinels)} (primary "${topology.name}")`;
    case 'cluster':
      return `REDIS_CLUSTER_NODES ${list(topology.nodes)}`;
  }
}

/** Redis Cluster hashes only what is inside the first non-empty `{…}` of a key: that part picks the slot. */
export function hashTagOf(prefix: string): string | undefined {
  const open = prefix.indexOf('{');
  if (open < 0) return undefined;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1 ? prefix.slice(open + 1, close) : undefined;
}

function readAuth(env: NodeJS.ProcessEnv): RedisAuth {
  const username = env['REDIS_USERNAME']?.trim() || undefined;
  const password = env['REDIS_PASSWORD'] || undefined;
  const tls = env['REDIS_TLS']?.trim().toLowerCase();
  return {
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(tls === 'true' || tls === '1' || tls === 'yes' ? { isTls: true } : {}),
  };
}

function readAddresses(env: NodeJS.ProcessEnv, name: string, problems: string[]): RedisAddress[] {
  const raw = env[name]?.trim() ?? '';
  const addresses: RedisAddress[] = [];
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    // The port is after the last colon, so a bracketed IPv6 address ([::1]:26379) reads too.
    const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(item);
    const port = Number(match?.[2]);
    if (!match?.[1] || !Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(
        `${name} must be a comma-separated list of host:port (e.g. 10.0.0.1:26379,10.0.0.2:26379); got "${item}"`,
      );
      continue;
    }
    addresses.push({ host: match[1], port });
  }
  if (addresses.length === 0 && !problems.some((p) => p.startsWith(name))) {
    problems.push(`${name} lists no host:port`);
  }
  return addresses;
}
