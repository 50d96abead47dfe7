import { asPersonId, type RequestId } from '../../core/ids.ts';
import { awsAuthUnreadableReply, entriesMovedMessage } from '../../core/messages/admin-messages.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { plainReply } from '../../core/messages/request-messages.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../../core/plan/access-entries.ts';
import type { EntryMigrationPlan } from '../../core/plan/entry-migration.ts';
import type { Refusal } from '../../core/refusals.ts';
import { kindOf } from '../../core/request/request.ts';
import { findCluster } from '../../core/settings.ts';
import { toAdapterError } from '../../shared/errors.ts';
import type { FlowDeps } from '../apply/flow-deps.ts';
import type { ClusterGateway } from '../ports/eks.ts';
import { auditRefusal } from '../support/audit-refusal.ts';
import { recordAudit } from '../support/record-audit.ts';
import { replyInThread } from '../support/request-conversation.ts';
import { entryPlan } from './apply-migration.ts';

export const MIGRATED_FROM_TAG = 'eks-access/migrated-from';

type MoveDeps = FlowDeps<'store' | 'settings' | 'notifier' | 'gateways' | 'diagnostics' | 'audit' | 'clock'> &
  Parameters<typeof auditRefusal>[0];

/** What happened to one planned aws-auth item. */
type Moved = { moved: string } | { unchanged: string } | { failed: { arn: string; reason: string } };

/**
 * "Move them to access entries" after a finished migration, clicked by one of the cluster's approvers (the
 * migration itself had two). Creates an entry per planned aws-auth item; a principal that already has an entry
 * (the creator's bootstrap entry, for one) is left exactly as it is.
 */
export async function moveEntries(
  deps: MoveDeps,
  input: { requestId: RequestId; user: string; channel: string },
): Promise<{ moved: number }> {
  const request = await deps.store.get(input.requestId);
  const cluster = request ? findCluster(deps.settings, request.cluster) : undefined;
  const user = asPersonId(input.user);
  if (!request || !cluster || kindOf(request) !== 'migrate' || request.status !== 'granted') {
    await refuse(deps, input, { code: 'unknown_request' }, { requestId: input.requestId });
    return { moved: 0 };
  }
  if (!cluster.approvers.includes(user)) {
    const refusal: Refusal = { code: 'not_an_approver', approvers: cluster.approvers.map(asPersonId) };
    await refuse(deps, input, refusal, { requestId: request.id, cluster: cluster.name });
    return { moved: 0 };
  }
  const { plan, problem } = await entryPlan(deps, cluster);
  if (!plan) {
    await replyInThread(deps, request, 'move-entries', awsAuthUnreadableReply(problem));
    return { moved: 0 };
  }
  const gateway = deps.gateways.forCluster(cluster);
  const results: Moved[] = [];
  for (const [index, item] of plan.migrate.entries()) {
    results.push(await moveItem(gateway, item, `${request.id}-m${index}`));
  }
  const moved = results.flatMap((r) => ('moved' in r ? [r.moved] : []));
  const unchanged = results.flatMap((r) => ('unchanged' in r ? [r.unchanged] : []));
  const failed = results.flatMap((r) => ('failed' in r ? [r.failed] : []));
  await recordAudit(deps, {
    type: 'migrated_entries',
    actor: input.user,
    requestId: request.id,
    cluster: request.cluster,
    detail: { moved: moved.join(','), unchanged: unchanged.join(','), failed: failed.map((f) => f.arn).join(',') },
  });
  await replyInThread(deps, request, 'move-entries', entriesMovedMessage(moved, unchanged, failed, input.user));
  return { moved: moved.length };
}

/** One aws-auth item as an access entry with its policies; an existing entry is never touched. */
async function moveItem(
  gateway: ClusterGateway,
  item: EntryMigrationPlan['migrate'][number],
  clientRequestToken: string,
): Promise<Moved> {
  try {
    const principalArn = item.principalArn ?? (item.roleName ? await gateway.iam.getRoleArn(item.roleName) : undefined);
    if (!principalArn) return { failed: { arn: item.awsAuthArn, reason: 'IAM has no such role any more' } };
    const existing = await gateway.accessEntries.describeAccessEntry(principalArn);
    if (existing) return { unchanged: principalArn };
    await gateway.accessEntries.createAccessEntry({
      principalArn,
      clientRequestToken,
      tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [MIGRATED_FROM_TAG]: 'aws-auth' },
      kubernetesGroups: item.kubernetesGroups,
      ...(item.username ? { username: item.username } : {}),
    });
    for (const policyArn of item.policyArns) {
      await gateway.accessEntries.associatePolicy(principalArn, policyArn, { type: 'cluster' });
    }
    return { moved: principalArn };
  } catch (error) {
    const adapterError = toAdapterError(error);
    return { failed: { arn: item.awsAuthArn, reason: adapterError.upstream ?? adapterError.code } };
  }
}

/** A click that may not move entries: audited, and answered to the clicker only. */
async function refuse(
  deps: MoveDeps,
  input: { user: string; channel: string },
  refusal: Refusal,
  about: { requestId: string; cluster?: string },
): Promise<void> {
  const user = asPersonId(input.user);
  await auditRefusal(deps, { actor: user, action: 'move-entries', refusal: { code: refusal.code }, ...about });
  await deps.notifier.postEphemeral({ channel: input.channel, user }, plainReply(describeRefusal(refusal)));
}
