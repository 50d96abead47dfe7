import type { WebClient } from '@slack/web-api';
import { toAdapterError } from '../../shared/errors.ts';
import type { PersonProfile, PersonProfiles } from '../../usecases/ports/identity.ts';
import type { RedisConnection as Redis } from '../queue/connection.ts';

/** `identity.profileCacheTtl` when the config sets none: a changed email or a deactivation is seen within an hour. */
export const PROFILE_CACHE_MS = 3_600_000;

/**
 * The PersonProfiles port over `users.info` (scopes `users:read`, and `users:read.email` for `profile.email`):
 * `deleted`, `is_bot` and the profile email. Answers are cached in Redis under the store prefix for `ttlMs`, so
 * every process shares one look-up per person per TTL (Slack's Tier 4 budget is per workspace, not per process);
 * a person Slack does not know (`user_not_found`) is undefined and not cached; other failures throw AdapterError
 * and are not cached either.
 */
export function createSlackProfiles(
  client: WebClient,
  cache: { redis: Redis; prefix: string },
  options: { ttlMs?: number | undefined } = {},
): PersonProfiles {
  const ttlMs = options.ttlMs ?? PROFILE_CACHE_MS;
  const keyOf = (person: string) => `${cache.prefix}:profile:${person}`;

  async function lookUp(person: string): Promise<PersonProfile | undefined> {
    try {
      const answer = await client.users.info({ user: person });
      const user = answer.user;
      if (!user) return undefined;
      const email = user.profile?.email?.trim();
      return { ...(email ? { email } : {}), isDeleted: user.deleted === true, isBot: user.is_bot === true };
    } catch (error) {
      if ((error as { data?: { error?: string } }).data?.error === 'user_not_found') return undefined;
      throw toAdapterError(error);
    }
  }

  return {
    async profile(person) {
      const cached = await cache.redis.get(keyOf(person));
      const parsed = cached === null ? undefined : parseProfile(cached);
      if (parsed) return parsed;
      const found = await lookUp(person);
      if (found) await cache.redis.set(keyOf(person), JSON.stringify(found), 'PX', ttlMs);
      return found;
    },
  };
}

/** A cached answer, or undefined when it is not one this code wrote (then Slack is asked again). */
function parseProfile(text: string): PersonProfile | undefined {
  try {
    const value = JSON.parse(text) as Partial<PersonProfile>;
    if (typeof value.isDeleted !== 'boolean' || typeof value.isBot !== 'boolean') return undefined;
    return {
      ...(typeof value.email === 'string' ? { email: value.email } : {}),
      isDeleted: value.isDeleted,
      isBot: value.isBot,
    };
  } catch {
    return undefined;
  }
}
