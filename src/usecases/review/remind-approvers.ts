import type { RequestId } from '../../core/ids.ts';
import { approverReminder } from '../../core/messages/reminder-messages.ts';
import {
  approversToRemind,
  DEFAULT_REMINDER_BACKOFF,
  type ReminderBackoff,
  reminderAt,
} from '../../core/request/approver-reminders.ts';
import { lapsesAt } from '../../core/request/pending-timeout.ts';
import { type AccessRequest, kindOf } from '../../core/request/request.ts';
import { approvalPolicyOf, type ClusterSettings, findCluster } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { postOnce, requestOwner } from '../support/post-once.ts';
import { recordAudit } from '../support/record-audit.ts';

function backoffOf(deps: Pick<Deps, 'tuning'>): ReminderBackoff {
  return deps.tuning.approverReminders ?? DEFAULT_REMINDER_BACKOFF;
}

/**
 * Scheduled when a request is filed: its lapse at the cluster's `pendingTimeout`, and the first approver reminder.
 * Both are delayed jobs with ids derived from the request, so a retried filing schedules nothing twice.
 */
export async function schedulePendingTimers(
  deps: Pick<Deps, 'queue' | 'tuning'>,
  request: AccessRequest,
  cluster: ClusterSettings,
) {
  if (request.status !== 'pending') return;
  const lapse = lapsesAt(request.createdAt, cluster.pendingTimeout);
  await deps.queue.enqueueLapse(request.id, lapse);
  const first = reminderAt(request.createdAt, 1, backoffOf(deps), lapse);
  if (first !== undefined) await deps.queue.enqueueApproverReminder(request.id, 1, first);
}

/**
 * Reminder `n`: a DM to each approver who has not acted, then reminder n+1 at the next back-off step, as long as the
 * request is still pending and that step falls before it lapses. Each DM is posted once per (n, approver).
 */
export async function remindApprovers(
  deps: Pick<Deps, 'audit' | 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'store' | 'tuning'>,
  id: RequestId,
  n: number,
): Promise<{ reminded: number }> {
  const request = await deps.store.get(id);
  if (request?.status !== 'pending') return { reminded: 0 };
  const cluster = findCluster(deps.settings, request.cluster);
  if (!cluster) return { reminded: 0 };
  const waiting = approversToRemind(request, approvalPolicyOf(cluster, kindOf(request)).approvers);
  const message = approverReminder(request, n, cluster.approvalChannel);
  for (const approver of waiting) {
    const dm = await deps.notifier.openDm(approver);
    await postOnce(deps, requestOwner(request.id), `approver-reminder:${n}:${approver}`, { channel: dm }, message);
  }
  if (waiting.length > 0) {
    await recordAudit(deps, {
      type: 'reminded',
      actor: 'eks-access',
      requestId: request.id,
      cluster: request.cluster,
      detail: { n: String(n), approvers: waiting.join(',') },
    });
  }
  const next = reminderAt(
    request.createdAt,
    n + 1,
    backoffOf(deps),
    lapsesAt(request.createdAt, cluster.pendingTimeout),
  );
  if (next !== undefined) await deps.queue.enqueueApproverReminder(request.id, n + 1, next);
  return { reminded: waiting.length };
}
