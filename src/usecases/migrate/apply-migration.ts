import { parseAwsAuth } from '../../core/aws-auth/document.ts';
import { asPrincipalArn } from '../../core/ids.ts';
import { migrationDoneMessage } from '../../core/messages/admin-messages.ts';
import { type EntryMigrationPlan, planEntryMigration } from '../../core/plan/entry-migration.ts';
import { migrationStep } from '../../core/plan/mode-migration.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { toAdapterError } from '../../shared/errors.ts';
import type { FlowDeps } from '../apply/flow-deps.ts';
import type { Deps } from '../ports/deps.ts';
import { refreshCards, replyInThread } from '../support/request-conversation.ts';
import { type ApplyResult, advanceFrom, transitionRequest } from '../support/request-lifecycle.ts';
import { switchToApiAndConfigMap } from './switch-mode.ts';

/**
 * An approved mode migration, for a request `applyRequest` loaded and checked: CONFIG_MAP → API_AND_CONFIG_MAP
 * (never back, never straight to API), waits for the update, then offers to move aws-auth items to access entries.
 * "Already there" counts as done: AWS rejects setting the current mode again.
 */
export async function applyMigration(
  deps: FlowDeps<'gateways' | 'diagnostics' | 'audit' | 'clock'>,
  request: AccessRequest,
  cluster: ClusterSettings,
): Promise<ApplyResult> {
  const entries = deps.gateways.forCluster(cluster).accessEntries;
  const calls: string[] = [];
  const current = await entries.describeCluster();
  const step = migrationStep(current.authenticationMode as Parameters<typeof migrationStep>[0]);
  let started = await advanceFrom(deps, request, { hadEntryBefore: false, hadPolicyBefore: false });
  const switched = step.kind === 'switch' || started.modeUpdate !== undefined;
  if (switched) started = await switchToApiAndConfigMap(deps, started, entries, calls);
  const summary = switched
    ? 'switched CONFIG_MAP → API_AND_CONFIG_MAP'
    : `already ${step.kind === 'already' ? step.mode : 'migrated'}`;
  // The transition and its audit event are written together; the detail names what the switch did.
  const done = await transitionRequest(
    deps,
    started.id,
    {
      type: 'granted',
      at: deps.clock.now(),
      outcome: {
        principalArn: asPrincipalArn(''),
        policyArn: '',
        hadEntryBefore: false,
        hadPolicyBefore: false,
        verifiedAt: deps.clock.now(),
        summary,
      },
    },
    { detail: { summary, calls: calls.join('; ') } },
  );
  const { plan, problem } = await entryPlan(deps, cluster);
  await refreshCards(deps, done);
  await replyInThread(deps, done, 'outcome', migrationDoneMessage(done, switched, plan, problem));
  return { status: done.status };
}

/** Reads aws-auth the way the diagnosis does and plans which items can become access entries. */
export async function entryPlan(
  deps: Pick<Deps, 'diagnostics'>,
  cluster: ClusterSettings,
): Promise<{ plan?: EntryMigrationPlan; problem?: string }> {
  try {
    const gateway = deps.diagnostics.forCluster(cluster);
    const described = await gateway.describeCluster();
    if (!described.connection) return { problem: 'DescribeCluster gave no endpoint' };
    const awsAuth = await gateway.awsAuth(described.connection);
    if (!awsAuth.present) return { plan: { migrate: [], skipped: [] } };
    return { plan: planEntryMigration(parseAwsAuth(awsAuth.data)) };
  } catch (error) {
    const adapterError = toAdapterError(error);
    return { problem: adapterError.upstream ?? adapterError.code };
  }
}
