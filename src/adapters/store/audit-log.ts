import type { AuditEvent, AuditLog, AuditTrail, StoredAuditEvent } from '../../usecases/ports/audit.ts';
import type { RedisConnection as Redis } from '../queue/connection.ts';
import { storeKeys } from './keys.ts';

/** How far back `recentFor` looks for one cluster's events: bounded, so a quiet cluster costs a few reads. */
const RECENT_SCAN_MAX = 20_000;
const PAGE = 1_000;

export interface AuditStream extends AuditLog, AuditTrail {
  read(count?: number): Promise<AuditEvent[]>;
  /** Every event at or after `since` (epoch ms; the stream id is time-based), oldest first, in pages. */
  readSince(since: number): AsyncGenerator<StoredAuditEvent>;
}

/**
 * Append-only Redis stream. The bot never edits an event; the only deletion is `trimBefore`, which the reconciler
 * calls for `audit.retention` (400 days unless configured).
 */
export function createAuditLog(redis: Redis, prefix: string): AuditStream {
  const key = storeKeys(prefix).audit;
  return {
    async append(event) {
      await redis.xadd(key, '*', ...auditFields(event));
    },
    async read(count = 1000) {
      const entries = await redis.xrange(key, '-', '+', 'COUNT', count);
      return entries.map(([, fields]) => toEvent(fields));
    },
    async *readSince(since) {
      let start = String(Math.max(0, Math.floor(since)));
      for (;;) {
        const entries = await redis.xrange(key, start, '+', 'COUNT', PAGE);
        for (const [id, fields] of entries) yield { id, ...toEvent(fields) };
        const last = entries.at(-1);
        if (!last || entries.length < PAGE) return;
        start = `(${last[0]}`;
      }
    },
    async recentFor(cluster, limit) {
      const found: StoredAuditEvent[] = [];
      let end = '+';
      for (let scanned = 0; scanned < RECENT_SCAN_MAX && found.length < limit; scanned += PAGE) {
        const entries = await redis.xrevrange(key, end, '-', 'COUNT', PAGE);
        for (const [id, fields] of entries) {
          const event = toEvent(fields);
          if (event.cluster === cluster) found.push({ id, ...event });
          if (found.length === limit) break;
        }
        const last = entries.at(-1);
        if (!last || entries.length < PAGE) break;
        end = `(${last[0]}`;
      }
      return found;
    },
    async trimBefore(before) {
      // MINID keeps every entry whose id is ≥ the given one; ids are "<ms>-<seq>", so this is "older than `before`".
      return Number(await redis.xtrim(key, 'MINID', String(Math.max(0, Math.floor(before)))));
    },
  };
}

/**
 * An event as stream fields. The one encoding: the request store's update writes transition events with it in
 * the same script as the request, and `toEvent` reads both back alike.
 */
export function auditFields(event: AuditEvent): string[] {
  const fields: string[] = ['type', event.type, 'at', String(event.at), 'actor', event.actor];
  if (event.requestId) fields.push('requestId', event.requestId);
  if (event.cluster) fields.push('cluster', event.cluster);
  if (event.detail) fields.push('detail', JSON.stringify(event.detail));
  return fields;
}

function toEvent(fields: string[]): AuditEvent {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  const detail = map.get('detail');
  return {
    type: map.get('type') as AuditEvent['type'],
    at: Number(map.get('at')),
    actor: map.get('actor') ?? '',
    ...(map.has('requestId') ? { requestId: map.get('requestId') } : {}),
    ...(map.has('cluster') ? { cluster: map.get('cluster') } : {}),
    ...(detail ? { detail: JSON.parse(detail) as Record<string, string> } : {}),
  };
}
