import type { Deps } from '../ports/deps.ts';
import { recordAudit } from '../support/record-audit.ts';

/**
 * How long audit events are kept when `audit.retention` is not set: 400 days, a year plus a margin for annual
 * reviews. Kept forever, the stream grows without bound in a Redis that runs `noeviction`.
 */
export const DEFAULT_AUDIT_RETENTION_MS = 400 * 86_400_000;

/**
 * The audit retention (`audit.retention`, default DEFAULT_AUDIT_RETENTION_MS): events older than it are trimmed
 * with XTRIM MINID. Runs from the reconciler sweep, never on the Slack ack path. The trim itself is audited.
 */
export async function trimAuditTrail(deps: Pick<Deps, 'audit' | 'auditTrail' | 'clock' | 'tuning'>): Promise<number> {
  const before = deps.clock.now() - (deps.tuning.auditRetentionMs ?? DEFAULT_AUDIT_RETENTION_MS);
  const removed = await deps.auditTrail.trimBefore(before);
  if (removed > 0) {
    await recordAudit(deps, {
      type: 'audit_trimmed',
      actor: 'reconciler',
      detail: { before: new Date(before).toISOString(), removed: String(removed) },
    });
  }
  return removed;
}
