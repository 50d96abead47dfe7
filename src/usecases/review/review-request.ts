import { asPersonId, type RequestId } from '../../core/ids.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { plainReply, statusReply } from '../../core/messages/request-messages.ts';
import type { Refusal } from '../../core/refusals.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import { kindOf } from '../../core/request/request.ts';
import type { RequestEvent } from '../../core/request/transitions.ts';
import type { UpdateDecision } from '../../core/request/update-decision.ts';
import { findCluster } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { isOwnHomeView } from '../report/home-tab.ts';
import { recordAudit } from '../support/record-audit.ts';
import { isCardOf, refreshCards, replyInThread } from '../support/request-conversation.ts';
import { resolvedPolicy } from './approval-policy.ts';

export interface ReviewInput {
  requestId: RequestId;
  decision: 'approve' | 'deny';
  user: string;
  /** The card the button was on; a click must come from one of this request's own cards… */
  card?: { channel: string; ts: string } | undefined;
  /** …or from the clicker's own App Home tab (the view id the bot last published for them). */
  viewId?: string | undefined;
  reason?: string;
  /** The cluster name typed in the step-up modal; needed to approve a step-up level. */
  confirmedCluster?: string;
}

export type ReviewResult = { ok: true; status: AccessRequest['status'] } | { ok: false; refusal: Refusal };

/** An Approve or Deny click: one atomic transition (with its audit event), then the apply job or a visible refusal. */
export async function reviewRequest(
  deps: Pick<Deps, 'audit' | 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'store' | 'userGroups'>,
  input: ReviewInput,
): Promise<ReviewResult> {
  const user = asPersonId(input.user);
  const result = await deps.store.update(input.requestId, async (request): Promise<UpdateDecision> => {
    if (!(await isFromOwnSurface(deps, request, input))) return { refusal: { code: 'stale_card' } };
    if (isOwnRecordedDecision(request, user, input.decision)) return { keep: true };
    const cluster = findCluster(deps.settings, request.cluster);
    if (!cluster) return { refusal: { code: 'unknown_cluster', given: request.cluster, available: [] } };
    const at = deps.clock.now();
    const policy = await resolvedPolicy(deps, cluster, kindOf(request), request.level);
    const event: RequestEvent =
      input.decision === 'approve'
        ? {
            type: 'approve',
            by: user,
            at,
            policy,
            ...(cluster.stepUpLevels ? { stepUpLevels: cluster.stepUpLevels } : {}),
            ...(input.confirmedCluster !== undefined ? { confirmedCluster: input.confirmedCluster } : {}),
          }
        : { type: 'deny', by: user, at, policy, ...(input.reason ? { reason: input.reason } : {}) };
    return { event };
  });
  // A click job retried after a crash between the transition and the enqueue must still start the grant.
  if (result.request?.status === 'approved') await deps.queue.enqueueApply(result.request.id);
  if (!result.ok) return refuse(deps, input, result.refusal, result.request);
  if (!result.hasChanged) return await resumeAfterDecision(deps, result.request, input);
  await afterDecision(deps, result.request);
  return { ok: true, status: result.request.status };
}

async function afterDecision(
  deps: Pick<Deps, 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'userGroups'>,
  request: AccessRequest,
): Promise<void> {
  await refreshCards(deps, request);
  if (request.status !== 'pending')
    await replyInThread(deps, request, `decision:${request.status}`, statusReply(request));
}

/**
 * The clicker's decision is already on the request: this is their click's job run again after a post waited for
 * Slack's budget (the transition and its audit happened on the first run). Finish the idempotent follow-ups
 * instead of refusing the person's own click as `already_decided` (a bogus refusal in the audit and in Slack).
 */
function isOwnRecordedDecision(request: AccessRequest, user: string, decision: ReviewInput['decision']): boolean {
  if (request.status === 'pending') return false;
  return decision === 'approve' ? request.approvals.some((a) => a.by === user) : request.denial?.by === user;
}

async function resumeAfterDecision(
  deps: Pick<Deps, 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'userGroups'>,
  request: AccessRequest,
  input: ReviewInput,
): Promise<ReviewResult> {
  const decided = input.decision === 'approve' ? 'approved' : 'denied';
  await refreshCards(deps, request);
  await replyInThread(deps, request, `decision:${decided}`, statusReply({ ...request, status: decided }));
  return { ok: true, status: request.status };
}

async function refuse(
  deps: Pick<Deps, 'audit' | 'clock' | 'notifier'>,
  input: ReviewInput,
  refusal: Refusal,
  request?: AccessRequest,
): Promise<ReviewResult> {
  await recordAudit(deps, {
    type: 'refused',
    actor: input.user,
    requestId: input.requestId,
    ...(request ? { cluster: request.cluster } : {}),
    detail: { code: refusal.code, decision: input.decision },
  });
  const user = asPersonId(input.user);
  // A Home tab has no channel: the refusal goes to the clicker's DM with the bot.
  const channel = input.card?.channel ?? (await deps.notifier.openDm(user));
  await deps.notifier.postEphemeral({ channel, user }, plainReply(describeRefusal(refusal)));
  return { ok: false, refusal };
}

/** A request card of this request, or the Home view the bot published for the clicker; approver rights are checked after. */
async function isFromOwnSurface(
  deps: Pick<Deps, 'messages'>,
  request: AccessRequest,
  input: ReviewInput,
): Promise<boolean> {
  if (input.card) return isCardOf(deps, request, input.card);
  return input.viewId !== undefined && (await isOwnHomeView(deps, input.user, input.viewId));
}
