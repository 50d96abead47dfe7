import type { WebClient } from '@slack/web-api';
import { asPersonId, type PersonId } from '../../core/ids.ts';
import { toAdapterError } from '../../shared/errors.ts';
import type { UserGroups } from '../../usecases/ports/chat.ts';

/** Long enough to spare Slack's Tier 2 limit (20+/min) on busy approval days, short enough for roster changes. */
export const USER_GROUP_CACHE_MS = 5 * 60_000;

/**
 * The UserGroups port over `usergroups.users.list` (scope `usergroups:read`): members cached per process for
 * USER_GROUP_CACHE_MS, one call in flight per group (single-flight), failures not cached. A group Slack does not
 * know (`no_such_subteam`) has no members, so nobody approves through it.
 */
export function createSlackUserGroups(
  client: WebClient,
  options: { now?: () => number; ttlMs?: number } = {},
): UserGroups {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? USER_GROUP_CACHE_MS;
  const cache = new Map<string, { members: readonly PersonId[]; until: number }>();
  const inFlight = new Map<string, Promise<readonly PersonId[]>>();

  async function fetchMembers(groupId: string): Promise<readonly PersonId[]> {
    try {
      const result = await client.usergroups.users.list({ usergroup: groupId });
      return (result.users ?? []).map(asPersonId);
    } catch (error) {
      if ((error as { data?: { error?: string } }).data?.error === 'no_such_subteam') return [];
      throw toAdapterError(error);
    }
  }

  return {
    async members(groupId) {
      const cached = cache.get(groupId);
      if (cached && cached.until > now()) return cached.members;
      const pending = inFlight.get(groupId);
      if (pending) return await pending;
      const call = fetchMembers(groupId)
        .then((members) => {
          cache.set(groupId, { members, until: now() + ttlMs });
          return members;
        })
        .finally(() => inFlight.delete(groupId));
      inFlight.set(groupId, call);
      return await call;
    },
  };
}
