import type { Refusal } from '../../core/refusals.ts';
import type { Deps } from '../ports/deps.ts';
import { recordAudit } from './record-audit.ts';

/** What a refused action was, for the audit: who, which action, and the request or cluster it named. */
export interface RefusedAction {
  actor: string;
  /** The verb that was refused: `extend`, `revoke`, `end`, `move-entries`, … */
  action: string;
  refusal: Refusal | { code: string };
  requestId?: string | undefined;
  cluster?: string | undefined;
}

/**
 * Every refusal leaves one `refused` audit event carrying its code, so "who tried what and was told no" can be
 * answered from the audit trail alone, whichever path the refusal came from.
 */
export async function auditRefusal(deps: Pick<Deps, 'audit' | 'clock'>, refused: RefusedAction): Promise<void> {
  await recordAudit(deps, {
    type: 'refused',
    actor: refused.actor,
    ...(refused.requestId ? { requestId: refused.requestId } : {}),
    ...(refused.cluster ? { cluster: refused.cluster.slice(0, 100) } : {}),
    detail: { code: refused.refusal.code, action: refused.action },
  });
}
