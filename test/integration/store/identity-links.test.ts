import { afterAll, describe, expect, it } from 'vitest';
import { createIdentityLinks } from '../../../src/adapters/store/identity-links.ts';
import { asPersonId } from '../../../src/core/ids.ts';
import { testRedis } from '../../support/redis.ts';

const { redis, prefix } = testRedis();
afterAll(() => redis.quit());
const alice = asPersonId('U0ALICE');

describe('identity links on real Redis', () => {
  it('stores a link that Redis expires at expiresAt, reads it back and removes it', async () => {
    const links = createIdentityLinks(redis, prefix);
    const now = Date.now();
    const link = {
      principalArn: 'arn:aws:iam::111122223333:role/dev-role',
      session: 'alice@example.com',
      callerArn: 'arn:aws:sts::111122223333:assumed-role/dev-role/alice@example.com',
      account: '111122223333',
      linkedAt: now,
      expiresAt: now + 60_000,
    };
    await links.put(alice, link);
    expect(await links.get(alice)).toEqual(link);
    const ttl = await redis.pttl(`${prefix}:link:U0ALICE`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await links.remove(alice)).toBe(true);
    expect(await links.remove(alice)).toBe(false);
    expect(await links.get(alice)).toBeUndefined();
  });

  it('claims a token digest once, until the given time, and keeps only the digest', async () => {
    const links = createIdentityLinks(redis, prefix);
    const digest = 'a'.repeat(64);
    expect(await links.claimToken(digest, Date.now() + 60_000)).toBe(true);
    expect(await links.claimToken(digest, Date.now() + 60_000)).toBe(false);
    expect(await links.claimToken('b'.repeat(64), Date.now() + 60_000)).toBe(true);
    const keys = await redis.keys(`${prefix}:link-used:*`);
    expect(keys.sort()).toEqual([`${prefix}:link-used:${'a'.repeat(64)}`, `${prefix}:link-used:${'b'.repeat(64)}`]);
    expect(await redis.pttl(keys[0] ?? '')).toBeGreaterThan(0);
  });

  it('uses the {eks-access} hash tag when no prefix is given', async () => {
    const links = createIdentityLinks(redis);
    const person = asPersonId(`U0T${Date.now()}`);
    await links.put(person, {
      principalArn: 'arn:aws:iam::1:user/x',
      callerArn: 'arn:aws:iam::1:user/x',
      account: '1',
      linkedAt: 1,
      expiresAt: Date.now() + 5_000,
    });
    expect(await redis.exists(`{eks-access}:link:${person}`)).toBe(1);
    await links.remove(person);
  });
});
