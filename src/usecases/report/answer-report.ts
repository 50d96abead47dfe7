import { clusterApproverIds } from '../../core/diagnose/audience.ts';
import type { PersonId } from '../../core/ids.ts';
import type { ReportCommand } from '../../core/intent/report-command.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import type { Message } from '../../core/messages/message.ts';
import {
  auditReply,
  entriesUnreadableReply,
  moreEntriesNote,
  whoHasAccessReply,
} from '../../core/messages/report-messages.ts';
import { plainReply } from '../../core/messages/request-messages.ts';
import { isListed } from '../../core/request/approval.ts';
import { approvalPolicyOf, isRefusal, resolveCluster } from '../../core/settings.ts';
import { toAdapterError } from '../../shared/errors.ts';
import type { Deps } from '../ports/deps.ts';
import { membersOf } from '../review/approval-policy.ts';
import { auditRefusal } from '../support/audit-refusal.ts';
import { recordAudit } from '../support/record-audit.ts';
import { whoHasAccess } from './who-has-access.ts';

/** `/eks audit X` shows this many of the newest events; the CLI exports the rest. */
export const AUDIT_IN_SLACK = 20;

/**
 * `audit X` and `who has access to X`: read-only, and only for the cluster's approvers. Anyone else gets the
 * refusal with the approvers' names, and the attempt is audited.
 */
export async function answerReport(
  deps: Pick<Deps, 'audit' | 'auditTrail' | 'clock' | 'diagnostics' | 'gateways' | 'settings' | 'store' | 'userGroups'>,
  user: PersonId,
  command: ReportCommand,
): Promise<Message> {
  const cluster = resolveCluster(deps.settings, command.cluster);
  if (isRefusal(cluster)) {
    await auditRefusal(deps, { actor: user, action: command.kind, refusal: cluster, cluster: command.cluster });
    return plainReply(describeRefusal(cluster));
  }
  const { approvers } = approvalPolicyOf(cluster);
  // Approvers named through a Slack user group or a per-level policy read these reports too (as they see a full
  // diagnosis); a group Slack cannot list counts as empty.
  const ids = clusterApproverIds(cluster);
  const members = isListed(ids, user) ? {} : await membersOf(deps, ids).catch(() => ({}));
  if (!isListed(ids, user, members)) {
    await recordAudit(deps, {
      type: 'refused',
      actor: user,
      cluster: cluster.name,
      detail: { code: 'not_an_approver', asked: command.kind },
    });
    return plainReply(describeRefusal({ code: 'not_an_approver', approvers }));
  }
  if (command.kind === 'audit') {
    return auditReply(cluster.name, await deps.auditTrail.recentFor(cluster.name, AUDIT_IN_SLACK));
  }
  try {
    const found = await whoHasAccess(deps, cluster);
    const reply = whoHasAccessReply(cluster.name, found, deps.clock.now());
    if (found.entriesNotShown === 0) return reply;
    return { ...reply, parts: [...reply.parts, moreEntriesNote(found.entriesNotShown)] };
  } catch (error) {
    return entriesUnreadableReply(cluster.name, toAdapterError(error).code);
  }
}
