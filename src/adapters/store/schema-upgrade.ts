import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster, Redis } from 'ioredis';
import type { RequestId } from '../../core/ids.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import {
  type IndexEntry,
  judgeStoredSchema,
  type SchemaUpgrade,
  STORE_SCHEMA_VERSION,
  storedShapeOf,
  type TimerNeed,
} from '../../core/request/store-schema.ts';
import type { Logger } from '../../shared/logger.ts';
import { jobId } from '../queue/jobs.ts';
import type { Producer } from '../queue/producer.ts';
import { storeKeys } from './keys.ts';

/** A single Redis or a Redis Cluster: every key below carries the prefix's hash tag, so one slot holds them all. */
type Connection = Redis | Cluster;

export interface SchemaUpgradeParts {
  redis: Connection;
  prefix: string;
  /** Timers go through the producer's own adds (deterministic job ids); `queue` to look a job up first. */
  jobs: Pick<Producer, 'queue' | 'enqueueLapse' | 'enqueueExpiry'>;
  /** The cluster's `pendingTimeout` (undefined: the default, or a cluster no longer configured). */
  pendingTimeoutOf(cluster: string): number | undefined;
  log: Pick<Logger, 'info' | 'warn'>;
  /** How long the upgrade lock lives unless renewed (renewed every third of it while the upgrade runs). */
  lockMs?: number;
  /** How often a process waiting for another's upgrade looks at the version again. */
  pollMs?: number;
  /** The version this code knows; only tests set it. */
  known?: number;
}

/** What one pass over the stored requests did; a second pass over an upgraded store adds nothing. */
export interface UpgradeCounts {
  requests: number;
  /** Stored values under a request key that are not JSON: left as they are, and logged. */
  unreadable: number;
  indexEntriesAdded: number;
  jobsAdded: number;
}

export type SchemaCheck =
  | { kind: 'current'; version: number }
  | { kind: 'upgraded'; from: number; to: number; counts: UpgradeCounts }
  /** Another process held the upgrade lock; this one waited until the version was current. */
  | { kind: 'waited'; version: number }
  | { kind: 'newer'; version: number; known: number }
  | { kind: 'unreadable'; raw: string };

const DEFAULT_LOCK_MS = 30_000;
const DEFAULT_POLL_MS = 250;
const SCAN_COUNT = 500;

/** Renews the lock only while this process still holds it (the token), so a lost lock is never extended. */
const RENEW_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Never lowers the version: a newer process may have written its own meanwhile. */
const RAISE_VERSION = `local v = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if v < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) return 1 end return 0`;

/** One function per step of core's SCHEMA_UPGRADES, by the version it starts from (a unit test holds them equal). */
export const UPGRADE_STEPS: Readonly<Record<number, (parts: SchemaUpgradeParts) => Promise<UpgradeCounts>>> = {
  1: reindexRequests,
};

/**
 * Start-up's look at the stored format: nothing to do when current; an older (or unmarked) store is upgraded by
 * exactly one process (a lock with SET NX PX) while the others wait for the version to become current; a newer one
 * is reported and left untouched. Safe to interrupt: the version is written after each step, and every step is
 * idempotent, so whoever takes the lock next repeats at most the unfinished step.
 */
export async function ensureCurrentSchema(parts: SchemaUpgradeParts): Promise<SchemaCheck> {
  const keys = storeKeys(parts.prefix);
  const known = parts.known ?? STORE_SCHEMA_VERSION;
  const lockMs = parts.lockMs ?? DEFAULT_LOCK_MS;
  let hasWaited = false;
  for (;;) {
    const seen = judgeStoredSchema(await parts.redis.get(keys.schemaVersion), known);
    if (seen.kind === 'current') return hasWaited ? { kind: 'waited', version: seen.version } : seen;
    if (seen.kind === 'newer') return { kind: 'newer', version: seen.version, known };
    if (seen.kind === 'unreadable') return seen;
    const token = randomUUID();
    if ((await parts.redis.set(keys.schemaUpgradeLock, token, 'PX', lockMs, 'NX')) === 'OK') {
      try {
        // Read again under the lock: the process that held it before may have finished just now.
        const underLock = judgeStoredSchema(await parts.redis.get(keys.schemaVersion), known);
        if (underLock.kind !== 'older') continue;
        return await runSteps(parts, underLock.version, underLock.steps, () =>
          parts.redis.eval(RENEW_LOCK, 1, keys.schemaUpgradeLock, token, String(lockMs)),
        );
      } finally {
        await parts.redis.eval(RELEASE_LOCK, 1, keys.schemaUpgradeLock, token);
      }
    }
    if (!hasWaited) parts.log.info('another eks-access process is upgrading the stored data; waiting for it');
    hasWaited = true;
    await sleep(parts.pollMs ?? DEFAULT_POLL_MS);
  }
}

async function runSteps(
  parts: SchemaUpgradeParts,
  from: number,
  steps: readonly SchemaUpgrade[],
  renew: () => Promise<unknown>,
): Promise<SchemaCheck> {
  const keys = storeKeys(parts.prefix);
  const lockMs = parts.lockMs ?? DEFAULT_LOCK_MS;
  const renewal = setInterval(() => {
    renew().catch(() => undefined); // a missed renewal at worst lets a second process repeat an idempotent step
  }, lockMs / 3);
  const total: UpgradeCounts = { requests: 0, unreadable: 0, indexEntriesAdded: 0, jobsAdded: 0 };
  try {
    for (const step of steps) {
      const run = UPGRADE_STEPS[step.from];
      if (!run) throw new Error(`no upgrade step from stored version ${step.from}`);
      parts.log.info({ from: step.from, to: step.to }, `upgrading the stored data: ${step.what}`);
      const counts = await run(parts);
      await parts.redis.eval(RAISE_VERSION, 1, keys.schemaVersion, String(step.to));
      parts.log.info({ from: step.from, to: step.to, ...counts }, 'stored data upgraded');
      for (const name of Object.keys(total) as (keyof UpgradeCounts)[]) total[name] += counts[name];
    }
    return { kind: 'upgraded', from, to: steps.at(-1)?.to ?? from, counts: total };
  } finally {
    clearInterval(renewal);
  }
}

/**
 * Version 1 → 2, and safe to run on any version-2 store: every stored request gets the index entries and the timer
 * job its status calls for (core's storedShapeOf). Index entries are added with ZADD NX / SADD, so an entry that
 * exists keeps its score; jobs use the producer's deterministic ids, so a live job is kept as it is.
 */
export async function reindexRequests(parts: SchemaUpgradeParts): Promise<UpgradeCounts> {
  const counts: UpgradeCounts = { requests: 0, unreadable: 0, indexEntriesAdded: 0, jobsAdded: 0 };
  const keys = storeKeys(parts.prefix);
  for await (const batch of scanKeys(parts.redis, `${globEscape(parts.prefix)}:req:*`)) {
    const raws = await parts.redis.mget(batch);
    const requests: AccessRequest[] = [];
    raws.forEach((raw, i) => {
      const parsed = raw === null ? undefined : parseRequest(raw);
      if (parsed) requests.push(parsed);
      else if (raw !== null) {
        counts.unreadable += 1;
        parts.log.warn({ key: batch[i] }, 'a stored request is not readable JSON; left as it is');
      }
    });
    counts.requests += requests.length;
    const shapes = requests.map((r) => ({ request: r, ...storedShapeOf(r, parts.pendingTimeoutOf(r.cluster)) }));
    const writes = parts.redis.pipeline();
    for (const { request, indexes } of shapes) {
      for (const entry of indexes) addIndexEntry(writes, keys, request.id, entry);
    }
    const results = (await writes.exec()) ?? [];
    for (const [error, added] of results) {
      if (error) throw error;
      counts.indexEntriesAdded += Number(added);
    }
    for (const { request, timers } of shapes) {
      for (const timer of timers) {
        if (await ensureTimer(parts.jobs, request.id, timer)) counts.jobsAdded += 1;
      }
    }
  }
  return counts;
}

type Pipeline = ReturnType<Connection['pipeline']>;

/** The same keys and scores the store writes (request-store.ts: create, the compare-and-set script, markActive). */
function addIndexEntry(writes: Pipeline, keys: ReturnType<typeof storeKeys>, id: RequestId, entry: IndexEntry) {
  switch (entry.index) {
    case 'requests-of-person':
      return writes.zadd(keys.userRequests(entry.person), 'NX', entry.score, id);
    case 'in-flight':
      return writes.zadd(keys.inFlight, 'NX', entry.score, id);
    case 'pending-on-cluster':
      return writes.zadd(keys.pendingOn(entry.cluster), 'NX', entry.score, id);
    case 'active-grants':
      return writes.zadd(keys.activeGrants, 'NX', entry.score, id);
    case 'grants-of-principal':
      return writes.sadd(keys.grantsFor(entry.cluster, entry.principalArn), id);
    case 'active-on-cluster':
      return writes.sadd(keys.activeOn(entry.cluster), id);
  }
}

/**
 * Adds the timer's job unless one is waiting, delayed or running under its id. A finished job (completed or failed)
 * while the request still needs the timer is replaced: its id would otherwise swallow the add for a day.
 */
async function ensureTimer(jobs: SchemaUpgradeParts['jobs'], id: RequestId, timer: TimerNeed): Promise<boolean> {
  const existing = await jobs.queue.getJob(jobId(timer.job, id));
  const state = existing ? await existing.getState() : 'missing';
  if (state !== 'missing' && state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
  if (existing) {
    try {
      await existing.remove();
    } catch {
      return false; // a worker took it in the meantime: it is live again
    }
  }
  if (timer.job === 'lapse') await jobs.enqueueLapse(id, timer.at);
  else await jobs.enqueueExpiry(id, timer.at);
  return true;
}

function parseRequest(raw: string): AccessRequest | undefined {
  try {
    const value = JSON.parse(raw) as Partial<AccessRequest> | null;
    // The fields every version stored; anything else under a request key is not a request.
    return value &&
      typeof value.id === 'string' &&
      typeof value.status === 'string' &&
      typeof value.cluster === 'string'
      ? (value as AccessRequest)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Batches of keys matching `pattern`, from every primary of a cluster (SCAN sees one node) or the one Redis. */
async function* scanKeys(redis: Connection, pattern: string): AsyncGenerator<string[]> {
  const nodes = redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT, 'TYPE', 'string');
      cursor = next;
      if (found.length > 0) yield found;
    } while (cursor !== '0');
  }
}

/** A prefix is literal text; SCAN's MATCH would read `*`, `?`, `[` and `\` in it as a pattern. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
