import { asPersonId, type RequestId } from '../../core/ids.ts';
import { entriesMovedMessage } from '../../core/messages/admin-messages.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { plainReply } from '../../core/messages/request-messages.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../../core/plan/access-entries.ts';
import { kindOf } from '../../core/request/request.ts';
import { findCluster } from '../../core/settings.ts';
import { toAdapterError } from '../../shared/errors.ts';
import type { Deps } from '../ports/deps.ts';
import { auditRefusal } from '../support/audit-refusal.ts';
import { replyInThread } from '../support/request-conversation.ts';
import { entryPlan } from './apply-migration.ts';

export const MIGRATED_FROM_TAG = 'eks-access/migrated-from';

/**
 * "Move them to access entries" after a finished migration, clicked by one of the cluster's approvers (the
 * migration itself had two). Creates an entry per planned aws-auth item; a principal that already has an entry
 * (the creator's bootstrap entry, for one) is left exactly as it is.
 */
export async function moveEntries(
  deps: Deps,
  input: { requestId: RequestId; user: string; channel: string },
): Promise<{ moved: number }> {
  const request = await deps.store.get(input.requestId);
  const cluster = request ? findCluster(deps.settings, request.cluster) : undefined;
  const user = asPersonId(input.user);
  if (!request || !cluster || kindOf(request) !== 'migrate' || request.status !== 'granted') {
    await auditRefusal(deps, {
      actor: user,
      action: 'move-entries',
      refusal: { code: 'unknown_request' },
      requestId: input.requestId,
    });
    await deps.notifier.postEphemeral(
      { channel: input.channel, user },
      plainReply(describeRefusal({ code: 'unknown_request' })),
    );
    return { moved: 0 };
  }
  if (!cluster.approvers.includes(user)) {
    await auditRefusal(deps, {
      actor: user,
      action: 'move-entries',
      refusal: { code: 'not_an_approver' },
      requestId: request.id,
      cluster: cluster.name,
    });
    await deps.notifier.postEphemeral(
      { channel: input.channel, user },
      plainReply(describeRefusal({ code: 'not_an_approver', approvers: cluster.approvers.map(asPersonId) })),
    );
    return { moved: 0 };
  }
  const { plan, problem } = await entryPlan(deps, cluster);
  if (!plan) {
    await replyInThread(
      deps,
      request,
      'move-entries',
      plainReply(`aws-auth could not be read: ${problem ?? 'unknown'}`),
    );
    return { moved: 0 };
  }
  const gateway = deps.gateways.forCluster(cluster);
  const moved: string[] = [];
  const unchanged: string[] = [];
  const failed: { arn: string; reason: string }[] = [];
  for (const [index, item] of plan.migrate.entries()) {
    try {
      const principalArn =
        item.principalArn ?? (item.roleName ? await gateway.iam.getRoleArn(item.roleName) : undefined);
      if (!principalArn) {
        failed.push({ arn: item.awsAuthArn, reason: 'IAM has no such role any more' });
        continue;
      }
      const existing = await gateway.accessEntries.describeAccessEntry(principalArn);
      if (existing) {
        unchanged.push(principalArn);
        continue;
      }
      await gateway.accessEntries.createAccessEntry({
        principalArn,
        clientRequestToken: `${request.id}-m${index}`,
        tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [MIGRATED_FROM_TAG]: 'aws-auth' },
        kubernetesGroups: item.kubernetesGroups,
        ...(item.username ? { username: item.username } : {}),
      });
      for (const policyArn of item.policyArns) {
        await gateway.accessEntries.associatePolicy(principalArn, policyArn, { type: 'cluster' });
      }
      moved.push(principalArn);
    } catch (error) {
      const adapterError = toAdapterError(error);
      failed.push({ arn: item.awsAuthArn, reason: adapterError.upstream ?? adapterError.code });
    }
  }
  await deps.audit.append({
    type: 'migrated_entries',
    at: deps.clock.now(),
    actor: input.user,
    requestId: request.id,
    cluster: request.cluster,
    detail: { moved: moved.join(','), unchanged: unchanged.join(','), failed: failed.map((f) => f.arn).join(',') },
  });
  await replyInThread(deps, request, 'move-entries', entriesMovedMessage(moved, unchanged, failed, input.user));
  return { moved: moved.length };
}
