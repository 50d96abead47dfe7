import { asPersonId, type PersonId, type RequestId } from '../../core/ids.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import type { Message } from '../../core/messages/message.ts';
import { plainReply } from '../../core/messages/request-messages.ts';
import { nothingToRevokeOnReply, revokedReply } from '../../core/messages/revoke-choice.ts';
import type { Refusal } from '../../core/refusals.ts';
import { isListed } from '../../core/request/approval.ts';
import { approvalPolicyOf, isRefusal, resolveCluster } from '../../core/settings.ts';
import { type ResolveIdentityDeps, resolveIdentity } from '../identity/resolve-identity.ts';
import { membersOf } from '../review/approval-policy.ts';
import { auditRefusal } from '../support/audit-refusal.ts';
import { type EndDeps, endGrant } from './end-grant.ts';

/**
 * "revoke my access to X", `/eks revoke X`, or an approver revoking someone else's: ends every active grant of
 * that person on the cluster. Revoking what is already gone is a success. Each ended grant's notice is posted where
 * the revoke was asked (`askedIn`), so the answer is that notice, once: undefined is returned then, and a message
 * only for a refusal or when nothing was left to end.
 */
export async function revokeAccess(
  deps: EndDeps & ResolveIdentityDeps,
  input: {
    by: PersonId;
    subject: PersonId;
    clusterGiven: string;
    askedIn?: { channel: string; threadTs?: string };
  },
): Promise<Message | undefined> {
  const cluster = resolveCluster(deps.settings, input.clusterGiven);
  const refused = async (refusal: Refusal, clusterName: string): Promise<Message> => {
    await auditRefusal(deps, { actor: input.by, action: 'revoke', refusal, cluster: clusterName });
    return plainReply(describeRefusal(refusal));
  };
  if (isRefusal(cluster)) return await refused(cluster, input.clusterGiven);
  const { approvers } = approvalPolicyOf(cluster);
  if (input.subject !== input.by && !isListed(approvers, input.by, await membersOf(deps, approvers))) {
    return await refused({ code: 'not_an_approver', approvers }, cluster.name);
  }
  const requests = await deps.store.listForUser(input.subject, 50);
  const active = requests.filter(
    (r) => r.cluster === cluster.name && r.subject === input.subject && r.status === 'granted',
  );
  // Whether the person is known at all (any identity source) is asked only when there is nothing to end.
  const nothing = async () =>
    nothingToRevokeOnReply(input.subject, cluster.name, (await resolveIdentity(deps, input.subject, cluster)).ok);
  if (active.length === 0) return await nothing();
  let ended = 0;
  for (const request of active) {
    const how = { reason: 'revoked' as const, by: input.by, ...(input.askedIn ? { askedIn: input.askedIn } : {}) };
    if (!(await endGrant(deps, request.id, how)).isNoop) ended += 1;
  }
  if (ended === 0) return await nothing(); // ended meanwhile (expiry, a click): nobody was told here yet
  if (input.askedIn) return undefined;
  return revokedReply(ended, input.subject, cluster.name);
}

/** The "I'm done" button: the person it was for, the requester or an approver may end it early. */
export async function endFromButton(
  deps: EndDeps,
  input: { requestId: RequestId; user: string; channel: string },
): Promise<void> {
  const user = asPersonId(input.user);
  const request = await deps.store.get(input.requestId);
  const cluster = request ? resolveCluster(deps.settings, request.cluster) : undefined;
  const approvers = cluster === undefined || isRefusal(cluster) ? [] : approvalPolicyOf(cluster).approvers;
  const mayEnd =
    request !== undefined &&
    cluster !== undefined &&
    !isRefusal(cluster) &&
    (request.subject === user ||
      request.requester === user ||
      isListed(approvers, user, await membersOf(deps, approvers)));
  if (!request || !mayEnd) {
    // Name the cluster's approvers, whom the person can ask to end it (an empty list reads as a sentence too).
    const refusal: Refusal = request ? { code: 'not_an_approver', approvers } : { code: 'unknown_request' };
    await auditRefusal(deps, {
      actor: user,
      action: 'end',
      refusal,
      requestId: input.requestId,
      cluster: request?.cluster,
    });
    await deps.notifier.postEphemeral({ channel: input.channel, user }, plainReply(describeRefusal(refusal)));
    return;
  }
  await endGrant(deps, request.id, { reason: 'revoked', by: user });
}
