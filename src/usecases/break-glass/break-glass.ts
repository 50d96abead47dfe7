import { sharedRoleOf } from '../../core/identity/shared-role.ts';
import { asPersonId, type PersonId, type RequestId } from '../../core/ids.ts';
import type { Level } from '../../core/levels.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import type { Message } from '../../core/messages/message.ts';
import {
  breakGlassCard,
  breakGlassReply,
  reviewAcknowledgedReply,
  reviewReminder,
} from '../../core/messages/policy-messages.ts';
import { plainReply } from '../../core/messages/request-messages.ts';
import type { Refusal } from '../../core/refusals.ts';
import { checkReviewer, decideBreakGlass, peopleIn } from '../../core/request/approval.ts';
import { newPendingRequest } from '../../core/request/new-request.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { UpdateDecision } from '../../core/request/update-decision.ts';
import { findCluster, isRefusal, resolveCluster } from '../../core/settings.ts';
import { identityFields, resolveIdentity } from '../identity/resolve-identity.ts';
import type { MessageRef } from '../ports/chat.ts';
import type { Deps } from '../ports/deps.ts';
import { membersOf, resolvedPolicy } from '../review/approval-policy.ts';
import { postOnce, requestOwner } from '../support/post-once.ts';
import { recordAudit } from '../support/record-audit.ts';
import { BREAK_GLASS_CARD_KEY, refreshCards } from '../support/request-conversation.ts';
import { transitionRequest } from '../support/request-lifecycle.ts';

/** Unacknowledged break-glass reviews are reminded once a day until an approver acknowledges. */
export const REVIEW_REMINDER_MS = 24 * 3600_000;

export interface BreakGlassInput {
  requestId: RequestId;
  requester: PersonId;
  subject: PersonId;
  clusterGiven: string;
  level: Level;
  namespaces: readonly string[];
  reason?: string;
  durationMs?: number;
  conversation: { channel: string; threadTs?: string };
}

export type BreakGlassResult =
  | { ok: true; requestId: RequestId }
  | { ok: false; code: Refusal['code']; message: Message };

/**
 * "break glass admin on prod-cluster because INC-123": granted at once without approval (straight to the apply
 * job), capped at the cluster's break-glass maximum, announced loudly to the approvers and held for their
 * post-hoc review. Refused, audited and nothing applied for anyone the cluster does not list. Safe to re-run.
 */
export async function breakGlass(
  deps: Pick<
    Deps,
    | 'audit'
    | 'clock'
    | 'identityLinks'
    | 'messages'
    | 'notifier'
    | 'profiles'
    | 'queue'
    | 'settings'
    | 'store'
    | 'userGroups'
  >,
  input: BreakGlassInput,
): Promise<BreakGlassResult> {
  const cluster = resolveCluster(deps.settings, input.clusterGiven);
  if (isRefusal(cluster)) return refused(deps, input, cluster);
  const decision = decideBreakGlass({
    rule: cluster.breakGlass,
    requester: input.requester,
    subject: input.subject,
    reason: input.reason,
    requestedMs: input.durationMs,
    groupMembers: await membersOf(deps, cluster.breakGlass?.allowed ?? []),
  });
  if (!decision.allowed) {
    return refused(deps, input, { code: 'break_glass_refused', cluster: cluster.name, reason: decision.reason });
  }
  const resolved = await resolveIdentity(deps, input.subject, cluster);
  if (!resolved.ok) return refused(deps, input, resolved.refusal);
  const identity = identityFields(resolved);
  const sharedRole = sharedRoleOf(resolved.identity, deps.settings);
  const now = deps.clock.now();
  const request: AccessRequest = {
    ...newPendingRequest(
      { ...input, ...identity, id: input.requestId, kind: 'grant', cluster: cluster.name, duration: decision },
      now,
    ),
    ...(identity.linkedAt !== undefined ? { linkedAt: identity.linkedAt } : {}),
    ...(sharedRole ? { sharedRole } : {}),
  };
  // With its `requested` audit event, written together (or neither, for a retried job).
  await deps.store.create(request, {
    type: 'requested',
    at: now,
    actor: input.requester,
    requestId: request.id,
    cluster: request.cluster,
    detail: { level: request.level, subject: request.subject, breakGlass: 'true' },
  });
  const glassed = await openGlass(deps, request.id);
  await deps.queue.enqueueApply(glassed.id);
  await announce(deps, glassed, decision.cappedFromMs);
  if (glassed.breakGlass && (glassed.breakGlass.reminders ?? 0) === 0) {
    await deps.queue.enqueueReviewReminder(glassed.id, glassed.breakGlass.at + REVIEW_REMINDER_MS, 1);
  }
  return { ok: true, requestId: glassed.id };
}

/**
 * `pending → approved` by break-glass, with its `break_glass` audit event; a request a previous run already opened
 * is returned as stored.
 */
async function openGlass(deps: Pick<Deps, 'store' | 'clock'>, id: RequestId): Promise<AccessRequest> {
  const result = await deps.store.update(id, (stored) => {
    const at = deps.clock.now();
    return stored.status === 'pending' ? { event: { type: 'break_glass', at, info: { at } } } : { keep: true };
  });
  if (!result.ok) throw new Error(`request ${id} after create: ${result.refusal.code}`);
  return result.request;
}

/** The loud card in the approval channel (or every approver's DM), and the requester's thread. */
async function announce(
  deps: Pick<Deps, 'clock' | 'messages' | 'notifier' | 'settings' | 'userGroups'>,
  request: AccessRequest,
  cappedFromMs?: number,
): Promise<void> {
  const owner = requestOwner(request.id);
  await postOnce(
    deps,
    owner,
    'ack',
    { channel: request.channel, ...(request.threadTs ? { threadTs: request.threadTs } : {}) },
    breakGlassReply(request, cappedFromMs),
  );
  const cluster = findCluster(deps.settings, request.cluster);
  if (!cluster) return;
  const card = breakGlassCard(request);
  if (cluster.approvalChannel) {
    await postOnce(deps, owner, BREAK_GLASS_CARD_KEY, { channel: cluster.approvalChannel }, card);
    return;
  }
  for (const approver of peopleIn(cluster.approvers, await membersOf(deps, cluster.approvers))) {
    if (approver === request.requester) continue;
    const dm = await deps.notifier.openDm(approver);
    await postOnce(deps, owner, `${BREAK_GLASS_CARD_KEY}:${approver}`, { channel: dm }, card);
  }
}

async function breakGlassCards(deps: Pick<Deps, 'messages'>, request: AccessRequest): Promise<MessageRef[]> {
  const posted = await deps.messages.list(requestOwner(request.id));
  return Object.entries(posted)
    .filter(([key]) => key.startsWith(BREAK_GLASS_CARD_KEY))
    .map(([, ref]) => ref);
}

export interface AcknowledgeInput {
  requestId: RequestId;
  user: string;
  channel: string;
}

/** The Acknowledge review button: approvers only (never the person who broke glass); others get an ephemeral no. */
export async function acknowledgeReview(
  deps: Pick<Deps, 'audit' | 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'store' | 'userGroups'>,
  input: AcknowledgeInput,
): Promise<{ ok: true } | { ok: false; refusal: Refusal }> {
  const user = asPersonId(input.user);
  const result = await deps.store.update(input.requestId, async (request): Promise<UpdateDecision> => {
    const cluster = findCluster(deps.settings, request.cluster);
    if (!cluster) return { refusal: { code: 'unknown_cluster', given: request.cluster, available: [] } };
    const refusal = checkReviewer(request, user, await resolvedPolicy(deps, cluster, 'grant', request.level));
    if (refusal) return { refusal };
    return { event: { type: 'acknowledge_review', at: deps.clock.now(), by: user } };
  });
  if (!result.ok) return refuseClick(deps, input, result.refusal, result.request);
  const acknowledged = result.request;
  await refreshCards(deps, acknowledged);
  for (const ref of await breakGlassCards(deps, acknowledged)) {
    await postOnce(
      deps,
      requestOwner(acknowledged.id),
      `review-ack:${ref.channel}`,
      { channel: ref.channel, threadTs: ref.ts },
      reviewAcknowledgedReply(acknowledged),
    );
  }
  return { ok: true };
}

/** The daily job: remind the approvers in the card's thread, then schedule the next round, until acknowledged. */
export async function remindReview(
  deps: Pick<Deps, 'clock' | 'messages' | 'notifier' | 'queue' | 'store'>,
  requestId: RequestId,
): Promise<{ reminded: boolean }> {
  const request = await deps.store.get(requestId);
  if (!request?.breakGlass || request.breakGlass.acknowledged) return { reminded: false };
  const round = (request.breakGlass.reminders ?? 0) + 1;
  for (const ref of await breakGlassCards(deps, request)) {
    await postOnce(
      deps,
      requestOwner(request.id),
      `review-reminder:${round}:${ref.channel}`,
      { channel: ref.channel, threadTs: ref.ts },
      reviewReminder(request),
    );
  }
  const next = await transitionRequest(deps, request.id, { type: 'review_reminded', at: deps.clock.now() });
  await deps.queue.enqueueReviewReminder(request.id, deps.clock.now() + REVIEW_REMINDER_MS, round + 1);
  return { reminded: next.breakGlass?.reminders === round };
}

async function refuseClick(
  deps: Pick<Deps, 'audit' | 'clock' | 'notifier'>,
  input: AcknowledgeInput,
  refusal: Refusal,
  request?: AccessRequest,
): Promise<{ ok: false; refusal: Refusal }> {
  await recordAudit(deps, {
    type: 'refused',
    actor: input.user,
    requestId: input.requestId,
    ...(request ? { cluster: request.cluster } : {}),
    detail: { code: refusal.code, action: 'acknowledge-review' },
  });
  await deps.notifier.postEphemeral(
    { channel: input.channel, user: asPersonId(input.user) },
    plainReply(describeRefusal(refusal)),
  );
  return { ok: false, refusal };
}

async function refused(
  deps: Pick<Deps, 'audit' | 'clock'>,
  input: BreakGlassInput,
  refusal: Refusal,
): Promise<BreakGlassResult> {
  await recordAudit(deps, {
    type: 'refused',
    actor: input.requester,
    requestId: input.requestId,
    detail: {
      code: refusal.code,
      breakGlass: 'true',
      cluster: input.clusterGiven.slice(0, 100),
      ...(refusal.code === 'break_glass_refused' ? { reason: refusal.reason } : {}),
    },
  });
  return { ok: false, code: refusal.code, message: plainReply(describeRefusal(refusal)) };
}
