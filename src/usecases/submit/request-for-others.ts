import type { PersonId } from '../../core/ids.ts';
import type { Level } from '../../core/levels.ts';
import { requestedForYouNotice } from '../../core/messages/for-others-messages.ts';
import type { Refusal } from '../../core/refusals.ts';
import type { AccessRequest, RequestKind } from '../../core/request/request.ts';
import { decideRequestForOthers } from '../../core/request/request-for-others.ts';
import { type ClusterSettings, requestForOthersRule } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { membersOf } from '../review/approval-policy.ts';
import { postOnce, requestOwner } from '../support/post-once.ts';
import { approvalChannelLink, SUBJECT_DM_KEY } from '../support/request-conversation.ts';
import { sharedPlaceOf } from './request-link.ts';

/**
 * Whether `requester` may file this request for `subject` on the cluster (see `decideRequestForOthers`), with the
 * user groups among the approvers and `requestForOthers` resolved. For yourself: no look-up at all.
 */
export async function checkRequestForOthers(
  deps: Pick<Deps, 'settings' | 'userGroups'>,
  cluster: ClusterSettings,
  input: { requester: PersonId; subject: PersonId; kind: RequestKind; level: Level },
): Promise<Refusal | undefined> {
  if (input.requester === input.subject) return undefined;
  const rule = requestForOthersRule(deps.settings, cluster, input.kind, input.level);
  const decision = decideRequestForOthers({
    requester: input.requester,
    subject: input.subject,
    cluster: cluster.name,
    ...rule,
    groupMembers: await membersOf(deps, [...rule.approvers, ...rule.listed]),
  });
  return decision.allowed ? undefined : decision.refusal;
}

/** The person a request was filed for by someone else hears of it in a DM, with a Cancel button. Posted once. */
export async function tellSubject(
  deps: Pick<Deps, 'clock' | 'messages' | 'notifier'>,
  request: AccessRequest,
  cluster: ClusterSettings,
): Promise<void> {
  if (request.requester === request.subject) return;
  const dm = await deps.notifier.openDm(request.subject);
  const notice = requestedForYouNotice(request, approvalChannelLink(cluster), await sharedPlaceOf(deps, request));
  await postOnce(deps, requestOwner(request.id), SUBJECT_DM_KEY, { channel: dm }, notice);
}
