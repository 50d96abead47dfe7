import type { Deps } from './ports.ts';

/**
 * The configured audit retention (`audit.retention`; off unless set): events older than it are trimmed with
 * XTRIM MINID. Runs from the reconciler sweep, never on the Slack ack path. The trim itself is audited.
 */
export async function trimAuditTrail(deps: Deps): Promise<number> {
  if (deps.auditRetentionMs === undefined) return 0;
  const before = deps.clock.now() - deps.auditRetentionMs;
  const removed = await deps.auditTrail.trimBefore(before);
  if (removed > 0) {
    await deps.audit.append({
      type: 'audit_trimmed',
      at: deps.clock.now(),
      actor: 'reconciler',
      detail: { before: new Date(before).toISOString(), removed: String(removed) },
    });
  }
  return removed;
}
