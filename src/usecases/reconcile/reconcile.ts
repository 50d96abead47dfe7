import { toAdapterError } from '../../shared/errors.ts';
import { type EndDeps, endGrant } from '../end/end-grant.ts';
import type { Deps } from '../ports/deps.ts';
import { recordAudit } from '../support/record-audit.ts';
import { trimAuditTrail } from './audit-retention.ts';
import { checkDrift, type DriftDeps, type DriftResult } from './reconcile-drift.ts';

/** At most this many overdue grants per sweep; the next sweep takes the rest. */
const SWEEP_LIMIT = 500;

export interface ReconcileResult {
  expired: number;
  failed: number;
  drift?: DriftResult;
  auditTrimmed?: number;
}

/**
 * The independent sweep behind the per-grant expiry jobs: any grant past its expiry (workers were down, a
 * delayed job ran late or was lost) is ended now. It only ever touches grants the bot itself recorded.
 */
export async function reconcile(deps: EndDeps & Pick<Deps, 'auditTrail' | 'tuning'>): Promise<ReconcileResult> {
  const due = await deps.store.dueBefore(deps.clock.now(), SWEEP_LIMIT);
  let expired = 0;
  let failed = 0;
  for (const id of due) {
    try {
      const result = await endGrant(deps, id, { reason: 'expired' });
      if (!result.isNoop) expired += 1;
      if (result.isNoop && result.status !== 'granted') {
        // Ended elsewhere (or vanished): drop it from the index so the sweep does not see it again.
        const request = await deps.store.get(id);
        if (request) await deps.store.markEnded(request);
      }
    } catch (error) {
      failed += 1;
      await recordAudit(deps, {
        type: 'failed',
        actor: 'reconciler',
        requestId: id,
        detail: { code: toAdapterError(error).code, what: 'expiry' },
      });
    }
  }
  return { expired, failed, ...(await afterExpirySweep(deps)) };
}

/** Drift on active grants (rate-bound) and the audit retention: each in its own function, after the overdue ones. */
async function afterExpirySweep(
  deps: DriftDeps & Pick<Deps, 'auditTrail' | 'tuning'>,
): Promise<Pick<ReconcileResult, 'drift' | 'auditTrimmed'>> {
  const drift = await checkDrift(deps);
  const auditTrimmed = await trimAuditTrail(deps);
  return { drift, auditTrimmed };
}

export interface RedriveResult {
  redriven: number;
}

/**
 * The safety net behind BullMQ's stall handling: a request still `approved` or `applying` after `stuckForMs`
 * with no apply job waiting or running (BullMQ failed the job after more than `maxStalledCount` stalls, or it
 * ended early) gets its apply job again. The executors resume from the stored request and are idempotent, so a
 * re-drive never grants twice.
 */
export async function redriveStuckRequests(
  deps: Pick<Deps, 'audit' | 'clock' | 'queue' | 'store'>,
  stuckForMs: number,
): Promise<RedriveResult> {
  const stuck = await deps.store.inFlightSince(deps.clock.now() - stuckForMs, SWEEP_LIMIT);
  let redriven = 0;
  for (const id of stuck) {
    const request = await deps.store.get(id);
    if (request?.status !== 'approved' && request?.status !== 'applying') continue;
    if (!(await deps.queue.redriveApply(id))) continue;
    redriven += 1;
    await recordAudit(deps, {
      type: 'redriven',
      actor: 'reconciler',
      requestId: id,
      cluster: request.cluster,
      detail: { status: request.status, since: String(request.updatedAt) },
    });
  }
  return { redriven };
}
