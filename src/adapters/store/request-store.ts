import type { TransitionAuditEvent } from '../../core/audit/transition-event.ts';
import type { PersonId, RequestId } from '../../core/ids.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { RequestStore } from '../../usecases/ports/requests.ts';
import type { RedisConnection as Redis } from '../queue/connection.ts';
import { auditFields } from './audit-log.ts';
import { storeKeys } from './keys.ts';
import { luaScript } from './lua-script.ts';
import { type CompareAndSet, updateByCompareAndSet } from './update-by-compare-and-set.ts';

// Compare-and-set in one round trip: Redis runs the script atomically, so of N concurrent writers
// holding the same version exactly one wins. The in-flight index changes in the same script, so it never
// disagrees with the stored status, and so does the transition's audit event (ARGV[6..], stream fields): a
// transition and its audit record are both written or neither. The event goes first: a failed XADD stops the
// script before the request changes (Redis does not roll back what a script already wrote).
const CAS_SCRIPT = luaScript(`
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local decoded = cjson.decode(current)
if tonumber(decoded['version']) ~= tonumber(ARGV[1]) then return 0 end
if #ARGV > 5 then
  redis.call('XADD', KEYS[3], '*', unpack(ARGV, 6))
end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
else
  redis.call('ZREM', KEYS[2], ARGV[5])
end
return 1
`);

/** Statuses a job is still working on; a request stuck in one of them is re-driven by the reconciler. */
function isInFlight(request: AccessRequest): boolean {
  return request.status === 'approved' || request.status === 'applying';
}

/** The port, plus the compare-and-set primitive under `update` (for the store's own tests; use cases call `update`). */
export type RedisRequestStore = RequestStore & CompareAndSet;

export function createRequestStore(redis: Redis, prefix: string): RedisRequestStore {
  const keys = storeKeys(prefix);
  const readAll = async (ids: readonly string[]): Promise<AccessRequest[]> => {
    if (ids.length === 0) return [];
    const raws = await redis.mget(ids.map((id) => keys.request(id)));
    return raws.flatMap((raw) => (raw ? [JSON.parse(raw) as AccessRequest] : []));
  };
  const store: RedisRequestStore = {
    async get(id: RequestId) {
      const raw = await redis.get(keys.request(id));
      return raw ? (JSON.parse(raw) as AccessRequest) : undefined;
    },
    async create(request: AccessRequest) {
      const created = await redis.set(keys.request(request.id), JSON.stringify(request), 'NX');
      if (created !== 'OK') return false;
      const index = redis.multi();
      for (const user of new Set([request.requester, request.subject])) {
        index.zadd(keys.userRequests(user), request.createdAt, request.id);
      }
      if (isInFlight(request)) index.zadd(keys.inFlight, request.updatedAt, request.id);
      // Pruned lazily by pendingOn: a request that left `pending` is dropped the next time it is read.
      if (request.status === 'pending') index.zadd(keys.pendingOn(request.cluster), request.createdAt, request.id);
      await index.exec();
      return true;
    },
    async compareAndSet(next: AccessRequest, expectedVersion: number, audit?: TransitionAuditEvent) {
      const result = await CAS_SCRIPT.run(
        redis,
        [keys.request(next.id), keys.inFlight, keys.audit],
        [
          String(expectedVersion),
          JSON.stringify(next),
          isInFlight(next) ? '1' : '0',
          String(next.updatedAt),
          next.id,
          ...(audit ? auditFields(audit) : []),
        ],
      );
      return result === 1;
    },
    update: (id, decide) => updateByCompareAndSet(store, id, decide),
    async markActive(request) {
      const expiresAt = request.outcome?.expiresAt ?? Number.MAX_SAFE_INTEGER;
      const principal = request.outcome?.principalArn ?? request.principalArn;
      await redis
        .multi()
        .zadd(keys.activeGrants, expiresAt, request.id)
        .sadd(keys.grantsFor(request.cluster, principal), request.id)
        .sadd(keys.activeOn(request.cluster), request.id)
        .exec();
    },
    async markEnded(request) {
      const principal = request.outcome?.principalArn ?? request.principalArn;
      await redis
        .multi()
        .zrem(keys.activeGrants, request.id)
        .srem(keys.grantsFor(request.cluster, principal), request.id)
        .srem(keys.activeOn(request.cluster), request.id)
        .exec();
    },
    async dueBefore(at, limit) {
      return (await redis.zrangebyscore(keys.activeGrants, '-inf', at, 'LIMIT', 0, limit)) as RequestId[];
    },
    async inFlightSince(before, limit) {
      return (await redis.zrangebyscore(keys.inFlight, '-inf', before, 'LIMIT', 0, limit)) as RequestId[];
    },
    async activeFor(cluster, principalArn) {
      const ids = await redis.smembers(keys.grantsFor(cluster, principalArn));
      if (ids.length === 0) return [];
      const raws = await redis.mget(ids.map((id) => keys.request(id)));
      return raws
        .flatMap((raw) => (raw ? [JSON.parse(raw) as AccessRequest] : []))
        .filter((r) => r.status === 'granted');
    },
    async rotateActive(limit) {
      let from = Number((await redis.get(keys.activeCursor)) ?? 0);
      let ids = await redis.zrange(keys.activeGrants, String(from), String(from + limit - 1));
      if (ids.length === 0 && from > 0) {
        from = 0;
        ids = await redis.zrange(keys.activeGrants, '0', String(limit - 1));
      }
      // A short window means the end was reached: the next call starts over.
      await redis.set(keys.activeCursor, String(ids.length < limit ? 0 : from + ids.length));
      return readAll(ids);
    },
    async readCursor(name) {
      const at = Number((await redis.get(keys.cursor(name))) ?? 0);
      return Number.isSafeInteger(at) && at >= 0 ? at : 0;
    },
    async writeCursor(name, at) {
      await redis.set(keys.cursor(name), String(at));
    },
    async activeOn(cluster) {
      return (await readAll(await redis.smembers(keys.activeOn(cluster)))).filter((r) => r.status === 'granted');
    },
    async pendingOn(cluster, limit) {
      // Read a little more than asked: some entries may have been decided since and are pruned here.
      const ids = await redis.zrange(keys.pendingOn(cluster), '0', String(limit * 2 - 1));
      const requests = await readAll(ids);
      const decided = ids.filter((id) => !requests.some((r) => r.id === id && r.status === 'pending'));
      if (decided.length > 0) await redis.zrem(keys.pendingOn(cluster), ...decided);
      return requests.filter((r) => r.status === 'pending').slice(0, limit);
    },
    async listForUser(user: PersonId, limit: number) {
      const ids = await redis.zrevrange(keys.userRequests(user), 0, limit - 1);
      if (ids.length === 0) return [];
      const raws = await redis.mget(ids.map((id) => keys.request(id)));
      return raws.flatMap((raw) => (raw ? [JSON.parse(raw) as AccessRequest] : []));
    },
  };
  return store;
}
