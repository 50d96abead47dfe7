import type { RequestId } from '../../core/ids.ts';
import { CLUSTER_GONE } from '../../core/messages/grant-texts.ts';
import { type AccessRequest, kindOf } from '../../core/request/request.ts';
import { type ClusterSettings, findCluster } from '../../core/settings.ts';
import { AdapterError } from '../../shared/errors.ts';
import { applyMigration } from '../migrate/apply-migration.ts';
import { recoverLockOut } from '../migrate/recover-lock-out.ts';
import { describeAdapterFailure } from '../support/describe-failure.ts';
import {
  type ApplyResult,
  announceOutcome,
  fail,
  failUnlessApprovalsHold,
  failure,
  isRetryLater,
} from '../support/request-lifecycle.ts';
import type { FlowDeps } from './flow-deps.ts';
import { grantAccessEntry } from './grant-access-entry.ts';
import { grantAwsAuth } from './grant-aws-auth.ts';
import { grantsThroughAwsAuth } from './grant-method.ts';
import { grantSessionAwsAuth } from './grant-session-aws-auth.ts';
import { grantSessionAccessEntry } from './grant-session-entry.ts';
import { noteIfSlow } from './slow-note.ts';

/** What the dispatcher and the flows it may choose call between them. */
type ApplyDeps = FlowDeps<'store' | 'settings' | 'tuning' | 'gateways' | 'diagnostics' | 'awsAuth' | 'audit' | 'clock'>;

/** One way of carrying out an approved request; it gets the request and cluster already loaded and checked. */
type Flow = (deps: ApplyDeps, request: AccessRequest, cluster: ClusterSettings) => Promise<ApplyResult>;

/**
 * The apply job: the one place that loads the request, resolves its cluster and re-checks its approvals, then hands
 * it to the flow its kind (and, for a grant, the cluster's method) chooses. A flow's error goes back to the queue
 * while a retry may help, and fails the request otherwise.
 */
export async function applyRequest(deps: ApplyDeps, requestId: RequestId, finalAttempt = false): Promise<ApplyResult> {
  const request = await deps.store.get(requestId);
  if (!request) return { status: 'failed' };
  if (request.status === 'granted' || request.status === 'failed' || request.status === 'denied') {
    // A repeated job: the outcome stands; say it again in case the first announcement was lost.
    await announceOutcome(deps, request);
    return { status: request.status };
  }
  if (request.status !== 'approved' && request.status !== 'applying') return { status: request.status };
  const cluster = findCluster(deps.settings, request.cluster);
  if (!cluster) return fail(deps, request.id, failure('unknown_cluster', CLUSTER_GONE, deps));
  const flow = await flowFor(deps, request, cluster);
  try {
    const refused = await failUnlessApprovalsHold(deps, request, cluster);
    if (refused) return refused;
    return await flow.run(deps, request, cluster);
  } catch (error) {
    if (!isRetryLater(error, finalAttempt)) {
      return fail(deps, request.id, describeAdapterFailure(error, request.cluster, deps.clock.now()));
    }
    if (flow.notesSlowRetries && error instanceof AdapterError) await noteIfSlow(deps, request, error);
    throw error; // a retryable AWS error, or a post waiting for Slack's budget: the queue runs the job again
  }
}

/**
 * Migrations switch the mode; recoveries always use access entries (they need only the AWS API); grants use
 * aws-auth when the cluster's method says so, or for `auto` on a CONFIG_MAP cluster. Access-entry flows tell the
 * requester when retries run long.
 */
async function flowFor(
  deps: ApplyDeps,
  request: AccessRequest,
  cluster: ClusterSettings,
): Promise<{ run: Flow; notesSlowRetries: boolean }> {
  switch (kindOf(request)) {
    case 'migrate':
      return { run: applyMigration, notesSlowRetries: false };
    case 'recover':
      return { run: recoverLockOut, notesSlowRetries: true };
    case 'grant':
      // A session on a shared role (issue 19) is granted per person: RBAC for its own username, never the role.
      if (await grantsThroughAwsAuth(deps, cluster)) {
        return { run: request.session ? grantSessionAwsAuth : grantAwsAuth, notesSlowRetries: false };
      }
      return { run: request.session ? grantSessionAccessEntry : grantAccessEntry, notesSlowRetries: true };
  }
}
