import type { RequestId } from '../../core/ids.ts';
import { type AccessRequest, kindOf } from '../../core/request/request.ts';
import { type ClusterSettings, findCluster } from '../../core/settings.ts';
import { applyMigration } from '../migrate/apply-migration.ts';
import type { Deps } from '../ports/deps.ts';
import { describeAdapterFailure } from '../support/describe-failure.ts';
import { fail, failUnlessApprovalsHold, isRetryLater } from '../support/request-lifecycle.ts';
import { applyAwsAuthGrant } from './apply-aws-auth-grant.ts';
import { type ApplyResult, applyGrant } from './apply-grant.ts';
import { grantsThroughAwsAuth } from './grant-method.ts';

/**
 * An approved request's job. Migrations switch the mode; recoveries always use access entries (they need only
 * the AWS API); grants use aws-auth when the cluster's method says so, or for `auto` on a CONFIG_MAP cluster.
 */
export async function applyRequest(deps: Deps, requestId: RequestId, finalAttempt = false): Promise<ApplyResult> {
  const request = await deps.store.get(requestId);
  if (!request) return { status: 'failed' };
  const isActive = request.status === 'approved' || request.status === 'applying';
  if (isActive && kindOf(request) === 'migrate') return applyMigration(deps, request, finalAttempt);
  const cluster = findCluster(deps.settings, request.cluster);
  if (isActive && kindOf(request) === 'grant' && cluster && (await grantsThroughAwsAuth(deps, cluster))) {
    return await viaAwsAuth(deps, request, cluster, finalAttempt);
  }
  return applyGrant(deps, requestId, finalAttempt);
}

async function viaAwsAuth(
  deps: Deps,
  request: AccessRequest,
  cluster: ClusterSettings,
  finalAttempt: boolean,
): Promise<ApplyResult> {
  const refused = await failUnlessApprovalsHold(deps, request, cluster);
  if (refused) return refused;
  try {
    return await applyAwsAuthGrant(deps, request, cluster);
  } catch (error) {
    // A post waiting for Slack's budget is not a failed grant: the worker re-queues the job (see isRetryLater).
    if (isRetryLater(error, finalAttempt)) throw error;
    const result = await fail(deps, request.id, describeAdapterFailure(error, request.cluster, deps.clock.now()));
    return result;
  }
}
