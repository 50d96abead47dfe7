import type { Redis } from 'ioredis';
import type { PersonId } from '../../core/ids.ts';
import type { IdentityLinks, LinkedIdentity } from '../../usecases/ports/identity.ts';

/**
 * `link` results in Redis: one JSON value per person that Redis itself expires at the link's `expiresAt` (PXAT), and
 * one marker per used token, keyed by the token's digest (never the token) and kept until the token would expire
 * anyway, so the same token links nobody a second time. Keys share the prefix's hash tag (`{eks-access}`).
 */
export function createIdentityLinks(redis: Redis, prefix = '{eks-access}'): IdentityLinks {
  const linkKey = (person: PersonId) => `${prefix}:link:${person}`;
  const usedKey = (digest: string) => `${prefix}:link-used:${digest}`;
  return {
    async get(person) {
      const raw = await redis.get(linkKey(person));
      return raw === null ? undefined : decode(raw);
    },
    async put(person, link) {
      await redis.set(linkKey(person), JSON.stringify(link), 'PXAT', link.expiresAt);
    },
    async remove(person) {
      return (await redis.del(linkKey(person))) > 0;
    },
    async claimToken(digest, untilMs) {
      return (await redis.set(usedKey(digest), '1', 'PXAT', Math.ceil(untilMs), 'NX')) === 'OK';
    },
  };
}

function decode(raw: string): LinkedIdentity | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LinkedIdentity>;
    if (typeof value.principalArn !== 'string' || typeof value.callerArn !== 'string') return undefined;
    if (typeof value.expiresAt !== 'number' || typeof value.linkedAt !== 'number') return undefined;
    return {
      principalArn: value.principalArn,
      callerArn: value.callerArn,
      account: String(value.account ?? ''),
      linkedAt: value.linkedAt,
      expiresAt: value.expiresAt,
      ...(typeof value.session === 'string' ? { session: value.session } : {}),
    };
  } catch {
    return undefined;
  }
}
