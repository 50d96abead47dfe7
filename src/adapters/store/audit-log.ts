import type { Redis } from 'ioredis';
import type { AuditEvent, AuditLog } from '../../usecases/ports.ts';
import { storeKeys } from './keys.ts';

/** Append-only Redis stream; the bot never edits or trims it (retention is an operator's choice). */
export function createAuditLog(
  redis: Redis,
  prefix: string,
): AuditLog & { read(count?: number): Promise<AuditEvent[]> } {
  const key = storeKeys(prefix).audit;
  return {
    async append(event) {
      const fields: string[] = ['type', event.type, 'at', String(event.at), 'actor', event.actor];
      if (event.requestId) fields.push('requestId', event.requestId);
      if (event.cluster) fields.push('cluster', event.cluster);
      if (event.detail) fields.push('detail', JSON.stringify(event.detail));
      await redis.xadd(key, '*', ...fields);
    },
    async read(count = 1000) {
      const entries = await redis.xrange(key, '-', '+', 'COUNT', count);
      return entries.map(([, fields]) => toEvent(fields));
    },
  };
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
