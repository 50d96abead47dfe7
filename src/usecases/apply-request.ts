import type { RequestId } from '../core/ids.ts';
import { kindOf } from '../core/request/request.ts';
import { type ApplyResult, applyGrant } from './apply-grant.ts';
import { applyMigration } from './apply-migration.ts';
import type { Deps } from './ports.ts';

/** An approved request's job: grants and recoveries create access entries; migrations switch the mode. */
export async function applyRequest(deps: Deps, requestId: RequestId, finalAttempt = false): Promise<ApplyResult> {
  const request = await deps.store.get(requestId);
  if (request && kindOf(request) === 'migrate' && (request.status === 'approved' || request.status === 'applying')) {
    return applyMigration(deps, request, finalAttempt);
  }
  return applyGrant(deps, requestId, finalAttempt);
}
