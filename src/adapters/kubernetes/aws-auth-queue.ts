/**
 * The Redis side of the aws-auth writer: per-cluster keys and the small Lua scripts that make each step atomic, so
 * any number of worker processes can share one cluster's queue.
 *
 * - `pending` (hash): edit id → `<seq>:<edit JSON>`. HSETNX semantics: a retried job does not add its edit twice;
 *   `seq` keeps submission order, which a hash does not.
 * - `lock` (string): the holder's random token, `SET NX PX`, renewed while held, released by compare-and-delete.
 * - `result:<id>` (string, TTL): `ok:<json>` or `err:<json>`, written in the same script that removes the edit
 *   from `pending`, so an edit is always either pending or answered.
 * - `write:<uuid>` (string, TTL): the write record (previous data included) shared by every result of its batch,
 *   stored once rather than once per edit.
 *
 * All keys start with the caller's prefix: with a hash tag (`{eks-access}`) they share one Redis Cluster slot.
 */
import type { RedisConnection as Redis } from '../queue/connection.ts';

export function awsAuthKeys(prefix: string, cluster: string) {
  const base = `${prefix}:aws-auth:${cluster}`;
  return {
    pending: `${base}:pending`,
    seq: `${base}:seq`,
    lock: `${base}:lock`,
    result: (id: string) => `${base}:result:${id}`,
    write: (writeId: string) => `${base}:write:${writeId}`,
  };
}
export type AwsAuthKeys = ReturnType<typeof awsAuthKeys>;

/** An answered edit returns its stored result; an error result is cleared, so a retry queues the edit again. */
const ENQUEUE = `
local stored = redis.call('GET', KEYS[3])
if stored then
  if string.sub(stored, 1, 3) == 'ok:' then return {'done', stored} end
  redis.call('DEL', KEYS[3])
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {'queued'} end
local seq = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], ARGV[1], seq .. ':' .. ARGV[2])
return {'queued'}`;

/** One round trip per poll: the result if there is one, else an attempt at the lock. */
const POLL = `
local stored = redis.call('GET', KEYS[1])
if stored then return {'done', stored} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'lock'} end
return {'wait'}`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * KEYS: pending, lock, write, result×n. ARGV: ttl, token, must-hold flag, write JSON or '', then
 * (id, drained value, result value)×n. The first answer wins: an edit is answered only while its drained submission
 * is still pending. A holder that wrote nothing answers only while it still holds the lock (a stalled ex-holder must
 * not overwrite the answers of the one that replaced it); one that wrote answers anyway, because its write is real.
 * Returns the ids answered, or false when the lock was required and is gone.
 */
const COMMIT = `
if ARGV[3] == '1' and redis.call('GET', KEYS[2]) ~= ARGV[2] then return false end
local answered = {}
for i = 1, (#ARGV - 4) / 3 do
  local id, drained, value = ARGV[2 + 3 * i], ARGV[3 + 3 * i], ARGV[4 + 3 * i]
  if redis.call('HGET', KEYS[1], id) == drained then
    redis.call('SET', KEYS[3 + i], value, 'PX', ARGV[1])
    redis.call('HDEL', KEYS[1], id)
    answered[#answered + 1] = id
  end
end
if #answered > 0 and ARGV[4] ~= '' then redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[1]) end
return answered`;

export type EnqueueReply = { state: 'done'; stored: string } | { state: 'queued' };
export type PollReply = { state: 'done'; stored: string } | { state: 'lock' } | { state: 'wait' };

export interface DrainedEdit {
  id: string;
  seq: number;
  /** The pending value exactly as stored, so the commit removes only this submission. */
  raw: string;
  editJson: string;
}

export interface CommitItem {
  id: string;
  raw: string;
  value: string;
}

export class AwsAuthQueue {
  readonly #redis: Redis;
  readonly keys: AwsAuthKeys;

  constructor(redis: Redis, keys: AwsAuthKeys) {
    this.#redis = redis;
    this.keys = keys;
  }

  async enqueue(id: string, editJson: string): Promise<EnqueueReply> {
    const { pending, seq, result } = this.keys;
    const reply = await this.#eval(ENQUEUE, [pending, seq, result(id)], [id, editJson]);
    return reply[0] === 'done' ? { state: 'done', stored: String(reply[1]) } : { state: 'queued' };
  }

  async poll(id: string, token: string, lockTtlMs: number): Promise<PollReply> {
    const reply = await this.#eval(POLL, [this.keys.result(id), this.keys.lock], [token, String(lockTtlMs)]);
    if (reply[0] === 'done') return { state: 'done', stored: String(reply[1]) };
    return reply[0] === 'lock' ? { state: 'lock' } : { state: 'wait' };
  }

  async renew(token: string, lockTtlMs: number): Promise<boolean> {
    return (await this.#redis.eval(RENEW, 1, this.keys.lock, token, String(lockTtlMs))) === 1;
  }

  async release(token: string): Promise<void> {
    await this.#redis.eval(RELEASE, 1, this.keys.lock, token);
  }

  /** Every pending edit, oldest submission first. */
  async drain(): Promise<DrainedEdit[]> {
    const all = await this.#redis.hgetall(this.keys.pending);
    const drained: DrainedEdit[] = [];
    for (const [id, raw] of Object.entries(all)) {
      const colon = raw.indexOf(':');
      drained.push({ id, raw, seq: Number(raw.slice(0, colon)), editJson: raw.slice(colon + 1) });
    }
    return drained.sort((a, b) => a.seq - b.seq);
  }

  /** The ids this commit answered, or undefined when it needed the lock and no longer holds it. */
  async commit(
    items: readonly CommitItem[],
    write: { id: string; json: string } | undefined,
    lock: { token: string },
    ttlMs: number,
  ): Promise<Set<string> | undefined> {
    const { pending, lock: lockKey, result } = this.keys;
    const keys = [pending, lockKey, this.keys.write(write?.id ?? 'none'), ...items.map((i) => result(i.id))];
    const args = [
      String(ttlMs),
      lock.token,
      write ? '0' : '1',
      write?.json ?? '',
      ...items.flatMap((i) => [i.id, i.raw, i.value]),
    ];
    const reply: unknown = await this.#redis.eval(COMMIT, keys.length, ...keys, ...args);
    return Array.isArray(reply) ? new Set(reply.map(String)) : undefined;
  }

  async readWrite(writeId: string): Promise<string | null> {
    return await this.#redis.get(this.keys.write(writeId));
  }

  async #eval(script: string, keys: string[], args: string[]): Promise<unknown[]> {
    const reply: unknown = await this.#redis.eval(script, keys.length, ...keys, ...args);
    return Array.isArray(reply) ? reply : [];
  }
}
