import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { luaScript } from '../../../src/adapters/store/lua-script.ts';
import { testRedis } from '../../support/redis.ts';

const { redis, prefix } = testRedis();
afterAll(() => redis.quit());

const SOURCE = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
const INCR_BY = luaScript(SOURCE);

describe('Lua scripts by SHA on real Redis', () => {
  it('runs on a Redis that has never seen the script, then by its SHA alone', async () => {
    const key = `${prefix}:lua:counter`;
    await redis.script('FLUSH');

    const first = await INCR_BY.run(redis, [key], [2]);
    const cached = (await redis.script('EXISTS', createHash('sha1').update(SOURCE).digest('hex'))) as number[];
    const second = await INCR_BY.run(redis, [key], ['3']);

    expect(first).toBe(2);
    // The fallback's EVAL left the script in Redis's cache, which the next EVALSHA relies on.
    expect(cached).toEqual([1]);
    expect(second).toBe(5);
  });

  it('passes on errors other than NOSCRIPT, and the script changed nothing', async () => {
    const key = `${prefix}:lua:not-a-number`;
    await redis.set(key, 'abc');

    await expect(INCR_BY.run(redis, [key], [1])).rejects.toThrow(/not an integer/);
    expect(await redis.get(key)).toBe('abc');
  });
});
