import type { AuditNote } from '../../core/audit/transition-event.ts';
import type { RequestId } from '../../core/ids.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { autoApprovedReply } from '../../core/messages/policy-messages.ts';
import { failedReply, grantedReply, statusReply } from '../../core/messages/request-messages.ts';
import { plainText, type Text } from '../../core/messages/rich.ts';
import { hasQuorum, validApprovals } from '../../core/request/approval.ts';
import { effectiveDuration } from '../../core/request/duration-policy.ts';
import {
  type AccessRequest,
  type FailureInfo,
  type GrantOutcome,
  kindOf,
  type PreState,
} from '../../core/request/request.ts';
import type { RequestEvent } from '../../core/request/transitions.ts';
import { autoApproveRuleOf, type ClusterSettings } from '../../core/settings.ts';
import { AdapterError, DeferredError } from '../../shared/errors.ts';
import type { Deps } from '../ports/deps.ts';
import type { UpdateResult } from '../ports/requests.ts';
import { resolvedPolicy } from '../review/approval-policy.ts';
import { postOnce, requestOwner } from './post-once.ts';
import { refreshCards, replyInThread, threadTarget } from './request-conversation.ts';
import { settleAll } from './settle-all.ts';

export type ApplyResult = { status: AccessRequest['status'] };

/** Approvals re-checked against the cluster's rules in force now (config may have changed); else the request fails. */
export async function failUnlessApprovalsHold(
  deps: Pick<Deps, 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'store' | 'userGroups'>,
  request: AccessRequest,
  cluster: ClusterSettings,
): Promise<ApplyResult | undefined> {
  // Break-glass needs no approval. An automatic approval holds while the level is still auto-approved; if the
  // config changed since, there are no people to count and the request fails like any outdated approval.
  if (request.breakGlass) return undefined;
  if (request.autoApproval && autoApproveRuleOf(cluster, request.level).isAutoLevel) return undefined;
  const policy = await resolvedPolicy(deps, cluster, kindOf(request), request.level);
  if (hasQuorum(request, policy)) return undefined;
  const refusal = {
    code: 'approvals_no_longer_valid' as const,
    needed: policy.requiredApprovals,
    valid: validApprovals(request, policy).length,
  };
  return fail(deps, request.id, failure(refusal.code, describeRefusal(refusal), deps));
}

/** A verified grant: the transition with its audit event (the calls made), the active index and its expiry job. */
export async function recordGrant(
  deps: Pick<Deps, 'clock' | 'queue' | 'store' | 'tuning'>,
  request: AccessRequest,
  outcome: Omit<GrantOutcome, 'verifiedAt' | 'expiresAt'>,
  detail: Record<string, string>,
): Promise<AccessRequest> {
  const now = deps.clock.now();
  const event: RequestEvent = {
    type: 'granted',
    at: now,
    outcome: { ...outcome, verifiedAt: now, expiresAt: expiryOf(request, now) },
  };
  const granted = await transitionRequest(deps, request.id, event, { detail });
  await keepActive(deps, granted);
  return granted;
}

/** The duration counts from the verified grant, not from the request. */
export function expiryOf(request: AccessRequest, grantedAt: number): number {
  return grantedAt + (request.durationMs ?? effectiveDuration(request.level, undefined).durationMs);
}

/** Indexes the grant and schedules its end; the reconciler catches the rare crash between the two. */
export async function keepActive(
  deps: Pick<Deps, 'queue' | 'store' | 'tuning'>,
  granted: AccessRequest,
): Promise<void> {
  if (granted.status !== 'granted' || granted.outcome?.expiresAt === undefined) return;
  await deps.store.markActive(granted);
  await deps.queue.enqueueExpiry(granted.id, granted.outcome.expiresAt);
  const remindAt = granted.outcome.expiresAt - deps.tuning.reminderLeadMs;
  if (remindAt > granted.outcome.verifiedAt) await deps.queue.enqueueReminder(granted.id, remindAt);
}

/** `approved → applying` with a known pre-state; a request already applying is returned as stored. */
export async function advanceFrom(deps: Pick<Deps, 'store' | 'clock'>, request: AccessRequest, preState: PreState) {
  if (request.status === 'applying') return request;
  return advance(deps, request.id, { type: 'start_apply', at: deps.clock.now(), preState });
}

/**
 * One transition written without its audit event, for the apply and migrate flows that record it themselves
 * (`applying` with its plan). A request already granted or failed is returned as stored; any other refusal throws.
 */
export async function advance(deps: Pick<Deps, 'store'>, id: RequestId, event: RequestEvent): Promise<AccessRequest> {
  return settled(id, await deps.store.update(id, () => ({ event, audit: 'none' })));
}

/**
 * One transition written with its audit event (derived from it, plus what `note` adds), as `advance` otherwise: a
 * request already granted or failed is returned as stored, and any other refusal throws (the job retries).
 */
export async function transitionRequest(
  deps: Pick<Deps, 'store'>,
  id: RequestId,
  event: RequestEvent,
  note: AuditNote = {},
  known?: AccessRequest,
): Promise<AccessRequest> {
  return settled(id, await deps.store.update(id, () => ({ event, audit: note }), known));
}

function settled(id: RequestId, result: UpdateResult): AccessRequest {
  if (result.ok) return result.request;
  if (!result.request) throw new Error(`request ${id} disappeared`);
  if (result.request.status === 'granted' || result.request.status === 'failed') return result.request;
  throw new Error(`request ${id}: ${result.refusal.code}`);
}

/**
 * Whether a job's error should go back to the queue rather than fail the request: a DeferredError (a Slack post
 * waiting for its channel's budget, after the outcome was already recorded) always, a retryable AdapterError
 * until the last attempt. Turning a DeferredError into a failure wrote a second, bogus `failed` audit event.
 */
export function isRetryLater(error: unknown, finalAttempt: boolean): boolean {
  if (error instanceof DeferredError) return true;
  return error instanceof AdapterError && error.retryable && !finalAttempt;
}

/** Fails the request; the `failed` audit event is written once, with the transition. */
export async function fail(
  deps: Pick<Deps, 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'store' | 'userGroups'>,
  id: RequestId,
  info: FailureInfo,
): Promise<ApplyResult> {
  const failed = await transitionRequest(deps, id, { type: 'failed', at: info.at, failure: info });
  await announceOutcome(deps, failed);
  return { status: failed.status };
}

export function failure(code: string, message: Text, deps: Pick<Deps, 'clock'>): FailureInfo {
  return { code, message: plainText(message), at: deps.clock.now() };
}

export async function announceOutcome(
  deps: Pick<Deps, 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'userGroups'>,
  request: AccessRequest,
  evidence?: readonly string[],
): Promise<void> {
  await refreshCards(deps, request);
  // Policy approval starts the grant before the filing job has answered the requester; when that answer waits for
  // a busy channel, post it here first (once, by the same key, deferred while the other job holds it).
  if (request.autoApproval) {
    const where = { channel: request.channel, ...(request.threadTs ? { threadTs: request.threadTs } : {}) };
    await postOnce(deps, requestOwner(request.id), 'ack', where, autoApprovedReply(request));
  }
  // The click's job posts "Approved by …; applying…"; here it is updated in place to how it ended ("granted and
  // verified", "failed: …"), so no reply in the thread stays at "applying". When Slack failed the click's post, that
  // job may still be retrying: it is posted here first (once, by the same key), so the thread reads in order.
  const outcome = async () => {
    if (request.status === 'granted') {
      const lines = evidence ?? [
        `access entry \`${request.outcome?.principalArn ?? ''}\``,
        `policy \`${request.outcome?.policyArn ?? ''}\``,
      ];
      await replyInThread(deps, request, 'outcome', grantedReply(request, lines));
    } else if (request.status === 'failed') {
      await replyInThread(deps, request, 'outcome', failedReply(request));
    }
  };
  if ((request.status === 'granted' || request.status === 'failed') && request.approvals.length > 0) {
    const decision = async () =>
      postOnce(
        deps,
        requestOwner(request.id),
        'decision:approved',
        await threadTarget(deps, request),
        statusReply(request),
        {
          updateIfPosted: true,
        },
      );
    // Once "Approved by …; applying…" is in the thread, updating it in place and posting the outcome under it do not
    // depend on each other: both go at once, and the person waits for one Slack call, not two. When it is not
    // there yet it is posted first, so the thread reads in order.
    if (await deps.messages.get(requestOwner(request.id), 'decision:approved')) {
      await settleAll([decision(), outcome()]);
      return;
    }
    await decision();
  }
  await outcome();
}
