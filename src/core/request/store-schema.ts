import type { PersonId } from '../ids.ts';
import { lapsesAt } from './pending-timeout.ts';
import type { AccessRequest } from './request.ts';

/**
 * The stored format this eks-access reads and writes. One number for the whole store, not one per record: what
 * changed between versions is store-wide (indexes and timer jobs), while a record's own fields are only ever added
 * as optional ones that older records simply lack. Bump it, and add a step below, when a change needs existing
 * data rewritten or re-indexed.
 */
export const STORE_SCHEMA_VERSION = 2;

/** One upgrade from `from` to `from + 1`, described for people (the log line and the README say it). */
export interface SchemaUpgrade {
  from: number;
  to: number;
  what: string;
}

/**
 * Version 1: requests (a JSON string per request), the per-person request index, the active-grant and per-principal
 * grant indexes and expiry jobs: what eks-access stored before the in-flight index, the pending-by-cluster and
 * active-on-cluster indexes and the pending timeout (lapse jobs) were added. A store with no version at all is a
 * version-1 store (or an empty one: its upgrade has nothing to do).
 */
export const SCHEMA_UPGRADES: readonly SchemaUpgrade[] = [
  {
    from: 1,
    to: 2,
    what: 'every request joins the indexes its status calls for (in-flight, pending by cluster, active on cluster); a pending request gets its lapse job, a granted one its expiry job',
  },
];

export type StoredSchema =
  | { kind: 'current'; version: number }
  /** Older (or unmarked): these steps, in order, bring it to the current version. */
  | { kind: 'older'; version: number; steps: readonly SchemaUpgrade[] }
  /** Written by a newer eks-access: this one must not touch it. */
  | { kind: 'newer'; version: number }
  | { kind: 'unreadable'; raw: string };

/** What the stored version (the raw value of the version key, `null` when absent) means for this eks-access. */
export function judgeStoredSchema(raw: string | null, known: number = STORE_SCHEMA_VERSION): StoredSchema {
  const version = raw === null ? 1 : /^[1-9][0-9]{0,8}$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
  if (version === undefined) return { kind: 'unreadable', raw: raw ?? '' };
  if (version === known) return { kind: 'current', version };
  if (version > known) return { kind: 'newer', version };
  return { kind: 'older', version, steps: SCHEMA_UPGRADES.filter((s) => s.from >= version && s.to <= known) };
}

/** An index a stored request belongs to, named by what it holds; the store adapter knows the key. */
export type IndexEntry =
  | { index: 'requests-of-person'; person: PersonId; score: number }
  | { index: 'in-flight'; score: number }
  | { index: 'pending-on-cluster'; cluster: string; score: number }
  | { index: 'active-grants'; score: number }
  | { index: 'grants-of-principal'; cluster: string; principalArn: string }
  | { index: 'active-on-cluster'; cluster: string };

/** A delayed job a stored request needs while it is in its status: the lapse of a pending one, the end of a grant. */
export interface TimerNeed {
  job: 'lapse' | 'expire';
  at: number;
}

/**
 * Where a request must be indexed and which timer must exist for it, exactly as the current code writes them when
 * it files the request and moves it along (store.create, the compare-and-set script, markActive, the pending
 * timers, keepActive). An upgrade adds what is missing; nothing here removes anything.
 */
export function storedShapeOf(
  request: AccessRequest,
  pendingTimeoutMs: number | undefined,
): { indexes: IndexEntry[]; timers: TimerNeed[] } {
  const indexes: IndexEntry[] = [...new Set([request.requester, request.subject])].map((person) => ({
    index: 'requests-of-person',
    person,
    score: request.createdAt,
  }));
  const timers: TimerNeed[] = [];
  if (request.status === 'approved' || request.status === 'applying') {
    indexes.push({ index: 'in-flight', score: request.updatedAt });
  }
  if (request.status === 'pending') {
    indexes.push({ index: 'pending-on-cluster', cluster: request.cluster, score: request.createdAt });
    timers.push({ job: 'lapse', at: lapsesAt(request.createdAt, pendingTimeoutMs) });
  }
  const expiresAt = request.outcome?.expiresAt;
  // Only grants that end by themselves are tracked as active (keepActive): migrations and recoveries are not.
  if (request.status === 'granted' && request.outcome && expiresAt !== undefined) {
    indexes.push(
      { index: 'active-grants', score: expiresAt },
      { index: 'grants-of-principal', cluster: request.cluster, principalArn: request.outcome.principalArn },
      { index: 'active-on-cluster', cluster: request.cluster },
    );
    timers.push({ job: 'expire', at: expiresAt });
  }
  return { indexes, timers };
}
