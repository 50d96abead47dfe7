import { asPersonId, type PersonId, type RequestId } from '../../core/ids.ts';
import { cancelledReply, nothingPendingReply, whichPendingReply } from '../../core/messages/cancel-messages.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import type { Message } from '../../core/messages/message.ts';
import { plainReply, statusReply } from '../../core/messages/request-messages.ts';
import type { Refusal } from '../../core/refusals.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import { isRefusal, resolveCluster } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { recordAudit } from '../support/record-audit.ts';
import { refreshCards, replyInThread } from '../support/request-conversation.ts';

/**
 * The Cancel button on the requester's "request received" reply, and on the DM telling the person a request is
 * for that someone else filed it. Only those two may cancel (the transition checks the clicker), and only while
 * pending; anyone else (or a late click) gets the reason privately, and the refusal is audited.
 */
export async function cancelFromButton(
  deps: Pick<Deps, 'audit' | 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'store' | 'userGroups'>,
  input: { requestId: RequestId; user: string; channel: string },
): Promise<{ ok: boolean }> {
  const user = asPersonId(input.user);
  const result = await cancelOne(deps, input.requestId, user);
  if (!result.ok) {
    await deps.notifier.postEphemeral({ channel: input.channel, user }, plainReply(describeRefusal(result.refusal)));
  }
  return { ok: result.ok };
}

/**
 * "cancel my request on prod-cluster" and `/eks cancel prod-cluster`: every pending request there that the writer
 * made or that someone else made for them.
 */
export async function cancelByText(
  deps: Pick<Deps, 'audit' | 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'store' | 'userGroups'>,
  input: { user: PersonId; clusterGiven?: string },
): Promise<Message> {
  if (input.clusterGiven === undefined) return await cancelUnnamed(deps, input.user);
  const cluster = resolveCluster(deps.settings, input.clusterGiven);
  if (isRefusal(cluster)) {
    await audit(deps, input.user, undefined, input.clusterGiven, cluster);
    return plainReply(describeRefusal(cluster));
  }
  const mine = await deps.store.listForUser(input.user, 50);
  const pending = mine.filter(
    (r) =>
      (r.requester === input.user || r.subject === input.user) && r.cluster === cluster.name && r.status === 'pending',
  );
  if (pending.length === 0) {
    await audit(deps, input.user, undefined, cluster.name, { code: 'no_pending_request', cluster: cluster.name });
    return plainReply(describeRefusal({ code: 'no_pending_request', cluster: cluster.name }));
  }
  const cancelled: string[] = [];
  for (const request of pending) {
    const result = await cancelOne(deps, request.id, input.user);
    if (result.ok) cancelled.push(request.id);
  }
  return cancelledReply(cancelled, cluster.name);
}

/** A bare "cancel": the one pending request is cancelled; none or several is answered (no guess). */
async function cancelUnnamed(
  deps: Pick<Deps, 'audit' | 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'store' | 'userGroups'>,
  user: PersonId,
): Promise<Message> {
  const pending = (await deps.store.listForUser(user, 50)).filter(
    (r) => (r.requester === user || r.subject === user) && r.status === 'pending',
  );
  const [only] = pending;
  if (only === undefined) return nothingPendingReply();
  if (pending.length > 1) return whichPendingReply(pending.length, [...new Set(pending.map((r) => r.cluster))]);
  return await cancelByText(deps, { user, clusterGiven: only.cluster });
}

async function cancelOne(
  deps: Pick<Deps, 'audit' | 'clock' | 'messages' | 'notifier' | 'queue' | 'settings' | 'store' | 'userGroups'>,
  id: RequestId,
  user: PersonId,
): Promise<{ ok: true; request: AccessRequest } | { ok: false; refusal: Refusal }> {
  const result = await deps.store.update(id, () => ({ event: { type: 'cancel', by: user, at: deps.clock.now() } }));
  if (!result.ok) {
    await audit(deps, user, id, result.request?.cluster, result.refusal);
    return { ok: false, refusal: result.refusal };
  }
  const { request } = result;
  await refreshCards(deps, request);
  await replyInThread(deps, request, 'decision:cancelled', statusReply(request));
  return { ok: true, request };
}

async function audit(
  deps: Pick<Deps, 'audit' | 'clock'>,
  user: string,
  requestId: string | undefined,
  cluster: string | undefined,
  refusal: Refusal,
): Promise<void> {
  await recordAudit(deps, {
    type: 'refused',
    actor: user,
    ...(requestId ? { requestId } : {}),
    ...(cluster ? { cluster } : {}),
    detail: { code: refusal.code, action: 'cancel' },
  });
}
