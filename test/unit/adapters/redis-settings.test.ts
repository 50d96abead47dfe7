import { describe, expect, it } from 'vitest';
import { judgeRedisSettings, type RedisSettings } from '../../../src/adapters/queue/redis-settings.ts';

describe('judgeRedisSettings', () => {
  it.each<[string, RedisSettings, boolean, RegExp | undefined]>([
    ['noeviction with AOF', { maxmemoryPolicy: 'noeviction', isAofOn: true, isRdbOn: false }, true, undefined],
    [
      'noeviction, nothing persisted',
      { maxmemoryPolicy: 'noeviction', isAofOn: false, isRdbOn: false },
      true,
      /persistence is OFF/,
    ],
    [
      'noeviction, RDB only',
      { maxmemoryPolicy: 'noeviction', isAofOn: false, isRdbOn: true },
      true,
      /no append-only file/,
    ],
    [
      'persistence unknown',
      { maxmemoryPolicy: 'noeviction', isAofOn: undefined, isRdbOn: undefined },
      true,
      /Could not read Redis persistence/,
    ],
    ['policy unknown', { maxmemoryPolicy: undefined, isAofOn: true, isRdbOn: true }, true, /must be noeviction/],
    ['allkeys-lru', { maxmemoryPolicy: 'allkeys-lru', isAofOn: true, isRdbOn: true }, false, undefined],
    ['volatile-ttl', { maxmemoryPolicy: 'volatile-ttl', isAofOn: true, isRdbOn: true }, false, undefined],
  ])('%s', (_, settings, isOk, warning) => {
    const verdict = judgeRedisSettings(settings);

    expect(verdict.ok).toBe(isOk);
    if (!verdict.ok) expect(verdict.problem).toContain(`"${settings.maxmemoryPolicy}"`);
    if (warning) expect(verdict.warnings.join('\n')).toMatch(warning);
    else expect(verdict.warnings).toEqual([]);
  });
});
