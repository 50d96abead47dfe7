import type { WebClient } from '@slack/web-api';
import { asPersonId } from '../../core/ids.ts';
import { type Member, matchMembers } from '../../core/people/match-name.ts';
import { toAdapterError } from '../../shared/errors.ts';
import type { People } from '../../usecases/ports/chat.ts';

/** users.list is Tier 2 (20+/min) and pages through the whole workspace: read it at most this often per process. */
export const MEMBER_LIST_CACHE_MS = 10 * 60_000;
/** Slack's recommended page size; the list is followed through `response_metadata.next_cursor`. */
const PAGE = 200;

/**
 * The People port over `users.list` (scope `users:read`): every page read, deleted members and bots left out,
 * cached per process for MEMBER_LIST_CACHE_MS with one read in flight (single-flight); failures are not cached.
 */
export function createSlackPeople(
  client: WebClient,
  options: { now?: () => number; ttlMs?: number; pageSize?: number } = {},
): People {
  const now = options.now ?? Date.now;
  const pageSize = options.pageSize ?? PAGE;
  const ttlMs = options.ttlMs ?? MEMBER_LIST_CACHE_MS;
  let cached: { members: readonly Member[]; until: number } | undefined;
  let inFlight: Promise<readonly Member[]> | undefined;

  async function readAll(): Promise<readonly Member[]> {
    const members: Member[] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await client.users.list({ limit: pageSize, ...(cursor ? { cursor } : {}) });
        for (const m of page.members ?? []) {
          if (m.id === undefined || m.deleted === true || m.is_bot === true || m.id === 'USLACKBOT') continue;
          members.push({
            id: m.id,
            name: m.name ?? '',
            ...(m.profile?.display_name ? { displayName: m.profile.display_name } : {}),
            ...(m.profile?.real_name ? { realName: m.profile.real_name } : {}),
          });
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor !== undefined);
    } catch (error) {
      throw toAdapterError(error);
    }
    return members;
  }

  async function members(): Promise<readonly Member[]> {
    if (cached && cached.until > now()) return cached.members;
    if (inFlight) return await inFlight;
    inFlight = readAll()
      .then((list) => {
        cached = { members: list, until: now() + ttlMs };
        return list;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return await inFlight;
  }

  return {
    async findByName(name) {
      return matchMembers(await members(), name).map((m) => asPersonId(m.id));
    },
  };
}
