import type { RequestId } from '../../core/ids.ts';
import { accessPolicyArn } from '../../core/levels.ts';
import { forSomeoneElseNote, requestedForYouNotice } from '../../core/messages/for-others-messages.ts';
import type { Message } from '../../core/messages/message.ts';
import { autoApprovedReply, breakGlassCard, capReachedNote } from '../../core/messages/policy-messages.ts';
import { requestCard, requestReceivedReply } from '../../core/messages/request-messages.ts';
import { place, type Rich, rich, type Text } from '../../core/messages/rich.ts';
import { type AutoApproveDecision, approversFor } from '../../core/request/approval.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import { kindOf } from '../../core/request/request.ts';
import { approvalPolicyOf, findCluster, partitionOfCluster } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { refreshHomes } from '../report/home-tab.ts';
import { sharedPlaceOf } from '../submit/request-link.ts';
import { postOnce, requestOwner, updateIfChanged } from './post-once.ts';
import { settleAll } from './settle-all.ts';

/** The message key of a break-glass card: not `card:…`, which holds Approve / Deny cards. */
export const BREAK_GLASS_CARD_KEY = 'break-glass-card';
/** The DM telling the person a request is for that someone else filed it (with Cancel while pending). */
export const SUBJECT_DM_KEY = 'subject-dm';

/** The requester's thread; for slash commands it is the DM message that acknowledged the request. */
export async function threadTarget(
  deps: Pick<Deps, 'messages'>,
  request: AccessRequest,
): Promise<{ channel: string; threadTs?: string }> {
  if (request.threadTs) return { channel: request.channel, threadTs: request.threadTs };
  const ack = await deps.messages.get(requestOwner(request.id), 'ack');
  return ack ? { channel: ack.channel, threadTs: ack.ts } : { channel: request.channel };
}

/** Posts once per (request, key) in the requester's thread. */
export async function replyInThread(
  deps: Pick<Deps, 'clock' | 'messages' | 'notifier'>,
  request: AccessRequest,
  key: string,
  message: Message,
): Promise<void> {
  await postOnce(deps, requestOwner(request.id), key, await threadTarget(deps, request), message);
}

/**
 * After a change to the request: its cards and "request received" reply are re-rendered by a queued refresh,
 * coalesced per request (see `refreshCardsNow`), and the Home tabs that show it are refreshed.
 */
export async function refreshCards(
  deps: Pick<Deps, 'messages' | 'queue' | 'settings' | 'userGroups'>,
  request: AccessRequest,
): Promise<void> {
  if (mayChangeOnRefresh(request)) await deps.queue.enqueueCardRefresh(request.id);
  await refreshHomes(deps, request);
}

/**
 * For a request that will not change again (an ended grant): its cards are re-rendered here, in the job that ended
 * it, rather than by a queued refresh, which costs a whole job to coalesce updates that can no longer come; and the
 * Home tabs that show it are refreshed. Idempotent (an unchanged message is not written), so a re-run job repeats it.
 */
export async function refreshFinalCards(
  deps: Pick<Deps, 'messages' | 'notifier' | 'queue' | 'settings' | 'store' | 'userGroups'>,
  request: AccessRequest,
): Promise<void> {
  await settleAll([
    mayChangeOnRefresh(request) ? refreshCardsNow(deps, request.id, request) : Promise.resolve(0),
    refreshHomes(deps, request),
  ]);
}

/**
 * A request approved by policy has no approval card, and its "approved by policy" reply reads the same in every
 * status (see `ackMessage`): a refresh would render and compare, and write nothing.
 */
function mayChangeOnRefresh(request: AccessRequest): boolean {
  return request.autoApproval === undefined || request.breakGlass !== undefined;
}

/**
 * Re-renders every approval card of the request in place (buttons disappear once decided), from the request as
 * stored now: a refresh that waited while the request went approved → applying → granted makes one update, and a
 * message that already shows the current content is not written at all.
 */
export async function refreshCardsNow(
  deps: Pick<Deps, 'messages' | 'notifier' | 'settings' | 'store'>,
  requestId: RequestId,
  known?: AccessRequest,
): Promise<number> {
  const request = known ?? (await deps.store.get(requestId));
  if (!request) return 0;
  const cluster = findCluster(deps.settings, request.cluster);
  const policy = cluster ? approvalPolicyOf(cluster, kindOf(request), request.level) : undefined;
  const card = requestCard(
    request,
    accessPolicyArn(request.level, partitionOfCluster(cluster ?? {})),
    policy?.requiredApprovals ?? 1,
    {
      stepUpLevels: cluster?.stepUpLevels,
    },
  );
  const owner = requestOwner(request.id);
  const posted = await deps.messages.list(owner);
  let updated = 0;
  for (const [key, ref] of Object.entries(posted)) {
    const next = key.startsWith('card:')
      ? card
      : key.startsWith(BREAK_GLASS_CARD_KEY)
        ? breakGlassCard(request)
        : // The requester's "request received" reply and the subject's DM lose Cancel once the request leaves `pending`.
          key === 'ack' && cluster && request.status !== 'pending'
          ? ackMessage(request, approversFor(request, policy ?? { approvers: [] }), approvalChannelLink(cluster))
          : key === SUBJECT_DM_KEY && request.status !== 'pending'
            ? requestedForYouNotice(request, undefined, await sharedPlaceOf(deps, request))
            : undefined;
    if (next && (await updateIfChanged(deps, owner, key, ref, next))) updated += 1;
  }
  return updated;
}

export function approvalChannelLink(cluster: { approvalChannel?: string | undefined }): Rich | undefined {
  return cluster.approvalChannel ? [place(cluster.approvalChannel)] : undefined;
}

/**
 * The requester's "request received" reply: who approves where (`approvers` without the people barred from
 * deciding it), or that policy approved it, and the allowance left or why policy did not approve it.
 */
export function ackMessage(
  request: AccessRequest,
  approvers: readonly string[],
  where: Text | undefined,
  decision?: AutoApproveDecision,
): Message {
  if (request.autoApproval) return autoApprovedReply(request);
  const reply = requestReceivedReply(request, approvers, where);
  const note =
    decision?.auto !== false
      ? undefined
      : decision.reason === 'cap_reached' && decision.allowance
        ? capReachedNote(decision.allowance)
        : decision.reason === 'for_someone_else'
          ? forSomeoneElseNote(request)
          : undefined;
  if (!note) return reply;
  const text = rich`${reply.text} ${note}`;
  // The first part is the text; the rest (the Cancel button) stays.
  return { ...reply, text, parts: [{ kind: 'text', text }, ...reply.parts.slice(1)] };
}

export async function isCardOf(
  deps: Pick<Deps, 'messages'>,
  request: AccessRequest,
  card: { channel: string; ts: string },
): Promise<boolean> {
  const posted = await deps.messages.list(requestOwner(request.id));
  return Object.entries(posted).some(
    ([key, ref]) => key.startsWith('card:') && ref.channel === card.channel && ref.ts === card.ts,
  );
}
