import type { Redis } from 'ioredis';
import type { PersonId } from '../../core/ids.ts';
import type { IdentityLinks, LinkedIdentity } from '../../usecases/ports/identity.ts';

/**
 * The IdentityLinks port in Redis: one JSON value per person that expires with the link (PX), and one key per
 * claimed token digest (SET NX PX), so a token links nobody twice. Expired links read as absent even before Redis
 * drops them. The token itself is never given to this store, only its digest.
 */
export function createIdentityLinks(
  redis: Redis,
  prefix = 'eks-access',
  options: { now?: () => number } = {},
): IdentityLinks {
  const now = options.now ?? Date.now;
  const linkKey = (person: PersonId) => `${prefix}:link:${person}`;
  const tokenKey = (digest: string) => `${prefix}:link-token:${digest}`;
  return {
    async get(person) {
      const text = await redis.get(linkKey(person));
      if (text === null) return undefined;
      const link = parseLink(text);
      return link && link.expiresAt > now() ? link : undefined;
    },
    async put(person, link) {
      const ttl = Math.max(1, Math.ceil(link.expiresAt - now()));
      await redis.set(linkKey(person), JSON.stringify(link), 'PX', ttl);
    },
    async remove(person) {
      return (await redis.del(linkKey(person))) > 0;
    },
    async claimToken(digest, untilMs) {
      const ttl = Math.max(1, Math.ceil(untilMs - now()));
      return (await redis.set(tokenKey(digest), '1', 'PX', ttl, 'NX')) === 'OK';
    },
  };
}

function parseLink(text: string): LinkedIdentity | undefined {
  try {
    const value = JSON.parse(text) as Partial<LinkedIdentity>;
    if (
      typeof value.principalArn !== 'string' ||
      typeof value.callerArn !== 'string' ||
      typeof value.account !== 'string' ||
      typeof value.linkedAt !== 'number' ||
      typeof value.expiresAt !== 'number'
    ) {
      return undefined;
    }
    return {
      principalArn: value.principalArn,
      callerArn: value.callerArn,
      account: value.account,
      linkedAt: value.linkedAt,
      expiresAt: value.expiresAt,
      ...(typeof value.session === 'string' ? { session: value.session } : {}),
    };
  } catch {
    return undefined;
  }
}
