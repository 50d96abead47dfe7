import { describe, expect, it } from 'vitest';
import { EnvError, readEnv } from '../../../src/config/env.ts';
import { describeRedisTopology, hashTagOf, readRedisTopology } from '../../../src/config/redis-topology.ts';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    readEnv('web', { ...SLACK, ...env });
    return [];
  } catch (error) {
    if (error instanceof EnvError) return [...error.problems];
    throw error;
  }
}

describe('Redis topology from the environment', () => {
  it('reads Sentinel: the sentinels, the primary name, the sentinel password and the data password apart', () => {
    const problems: string[] = [];
    const topology = readRedisTopology(
      {
        REDIS_SENTINELS: '10.0.0.1:26379, sentinel-b.internal:26380,[::1]:26381',
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
        REDIS_PASSWORD: 'data-secret',
      },
      problems,
    );

    expect(problems).toEqual([]);
    expect(topology).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-b.internal', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
      sentinelPassword: 'sentinel-secret',
      password: 'data-secret',
    });
  });

  it('reads cluster nodes, with REDIS_TLS for encryption in transit', () => {
    const problems: string[] = [];
    const topology = readRedisTopology({ REDIS_CLUSTER_NODES: 'a:7000,b:7001', REDIS_TLS: 'true' }, problems);

    expect(problems).toEqual([]);
    expect(topology).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
      isTls: true,
    });
  });

  it('refuses two topologies at once, naming both', () => {
    const found = problemsOf({ REDIS_URL: 'redis://x:6379', REDIS_CLUSTER_NODES: 'a:7000' });

    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^REDIS_URL and REDIS_CLUSTER_NODES are all set: set exactly one of/);
  });

  it('refuses Sentinel without a primary name, and malformed addresses with what was given', () => {
    const found = problemsOf({ REDIS_SENTINELS: '10.0.0.1:26379,10.0.0.2' });

    expect(found).toContain(
      'REDIS_SENTINELS must be a comma-separated list of host:port (e.g. 10.0.0.1:26379,10.0.0.2:26379); got "10.0.0.2"',
    );
    expect(found.some((p) => p.startsWith('REDIS_SENTINEL_NAME is missing'))).toBe(true);
  });

  it('refuses a sentinel name without sentinels, rather than silently using nothing', () => {
    expect(problemsOf({ REDIS_SENTINEL_NAME: 'mymaster' })).toEqual([
      'REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is not: list the sentinels (host:port,…)',
      'REDIS_URL is missing: the Redis shared by every web and worker process (redis://host:6379; or REDIS_SENTINELS with REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES)',
    ]);
  });

  it('on a cluster, refuses a key prefix without a hash tag (scripts would span slots)', () => {
    const found = problemsOf({ REDIS_CLUSTER_NODES: 'a:7000', EKS_ACCESS_REDIS_PREFIX: 'eks-access' });

    expect(found).toEqual([
      'EKS_ACCESS_REDIS_PREFIX must carry a hash tag in braces with REDIS_CLUSTER_NODES (e.g. "{eks-access}"): every key and queue script must stay in one cluster slot; got "eks-access"',
    ]);
    expect(readEnv('web', { ...SLACK, REDIS_CLUSTER_NODES: 'a:7000' }).redisPrefix).toBe('{eks-access}');
  });

  it('finds the hash tag as Redis Cluster does: the first non-empty braces', () => {
    expect(hashTagOf('{eks-access}')).toBe('eks-access');
    expect(hashTagOf('team-a:{eks-access}:x')).toBe('eks-access');
    expect(hashTagOf('{}x{y}')).toBeUndefined();
    expect(hashTagOf('plain')).toBeUndefined();
  });

  it('describes where Redis is without the password in a URL', () => {
    expect(describeRedisTopology({ kind: 'url', url: 'rediss://bot:hunter2@redis.internal:6380' })).toBe(
      'REDIS_URL (rediss://***@redis.internal:6380)',
    );
  });
});
