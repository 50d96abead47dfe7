import type { AuditEvent, AuditLog } from '../ports/audit.ts';
import type { Clock } from '../ports/clock.ts';

/**
 * Appends an audit event that is not a request's transition (those are written by `store.update` with the change
 * itself), stamped with the injected clock unless the caller knows the moment it describes.
 */
export async function recordAudit(
  deps: { audit: AuditLog; clock: Clock },
  event: Omit<AuditEvent, 'at'> & { at?: number },
): Promise<void> {
  await deps.audit.append({ ...event, at: event.at ?? deps.clock.now() });
}
