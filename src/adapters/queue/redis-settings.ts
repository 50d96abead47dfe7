import type { RedisConnection as Redis } from './connection.ts';

/** What start-up found about a shared Redis (REDIS_URL); `undefined` where the server would not say. */
export interface RedisSettings {
  maxmemoryPolicy: string | undefined;
  isAofOn: boolean | undefined;
  /** RDB snapshots configured (`save` not empty). */
  isRdbOn: boolean | undefined;
}

export type RedisVerdict = { ok: true; warnings: string[] } | { ok: false; problem: string; warnings: string[] };

/**
 * Reads the eviction policy and persistence. `INFO` works on managed Redis that disables `CONFIG` (ElastiCache);
 * `CONFIG GET save` is the only way to see RDB snapshots, so it may come back unknown.
 */
export async function readRedisSettings(redis: Redis): Promise<RedisSettings> {
  const info = `${await redis.info('memory')}\n${await redis.info('persistence')}`;
  const field = (name: string) => info.match(new RegExp(`^${name}:(.*)$`, 'm'))?.[1]?.trim();
  const aof = field('aof_enabled');
  let save: string | undefined;
  try {
    const reply = (await redis.call('CONFIG', 'GET', 'save')) as string[];
    save = reply[1];
  } catch {
    save = undefined; // CONFIG renamed or disabled
  }
  return {
    maxmemoryPolicy: field('maxmemory_policy'),
    isAofOn: aof === undefined ? undefined : aof === '1',
    isRdbOn: save === undefined ? undefined : save.trim() !== '',
  };
}

/** BullMQ loses jobs under any eviction policy (its production guide); without persistence a restart loses them. */
export function judgeRedisSettings(settings: RedisSettings): RedisVerdict {
  const warnings: string[] = [];
  if (settings.isAofOn === false && settings.isRdbOn === false) {
    warnings.push(
      'Redis persistence is OFF (no append-only file, no RDB snapshots): a Redis restart loses every stored request, ' +
        'approval and expiry. Turn on the append-only file: `appendonly yes` with `appendfsync always` or `everysec`.',
    );
  } else if (settings.isAofOn === false) {
    warnings.push(
      'Redis has RDB snapshots but no append-only file: a crash loses what arrived since the last snapshot. Use `appendonly yes`.',
    );
  } else if (settings.isAofOn === undefined) {
    warnings.push('Could not read Redis persistence settings; make sure the append-only file is on.');
  }
  if (settings.maxmemoryPolicy === undefined) {
    warnings.push('Could not read maxmemory-policy; it must be noeviction.');
    return { ok: true, warnings };
  }
  if (settings.maxmemoryPolicy !== 'noeviction') {
    return {
      ok: false,
      warnings,
      problem:
        `Redis maxmemory-policy is "${settings.maxmemoryPolicy}"; eks-access needs "noeviction" (BullMQ loses jobs when Redis evicts keys). ` +
        'Set `maxmemory-policy noeviction` (redis.conf, `CONFIG SET`, or the parameter group of a managed Redis).',
    };
  }
  return { ok: true, warnings };
}
