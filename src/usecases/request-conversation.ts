import { approvalPolicyOf, findCluster } from '../core/directory.ts';
import { accessPolicyArn } from '../core/levels.ts';
import type { Message } from '../core/messages/message.ts';
import { requestCard } from '../core/messages/request-messages.ts';
import type { AccessRequest } from '../core/request/request.ts';
import { kindOf } from '../core/request/request.ts';
import { refreshHomes } from './home-tab.ts';
import type { Deps } from './ports.ts';
import { postOnce, requestOwner } from './post-once.ts';

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
export async function replyInThread(deps: Deps, request: AccessRequest, key: string, message: Message): Promise<void> {
  await postOnce(deps, requestOwner(request.id), key, await threadTarget(deps, request), message);
}

/** Re-renders every approval card of the request in place (buttons disappear once decided). */
export async function refreshCards(deps: Deps, request: AccessRequest): Promise<void> {
  const cluster = findCluster(deps.directory, request.cluster);
  const required = cluster ? approvalPolicyOf(cluster, kindOf(request)).requiredApprovals : 1;
  const card = requestCard(request, accessPolicyArn(request.level), required);
  const posted = await deps.messages.list(requestOwner(request.id));
  for (const [key, ref] of Object.entries(posted)) {
    if (key.startsWith('card:')) await deps.notifier.update(ref, card);
  }
  await refreshHomes(deps, request);
}

export async function isCardOf(
  deps: Deps,
  request: AccessRequest,
  card: { channel: string; ts: string },
): Promise<boolean> {
  const posted = await deps.messages.list(requestOwner(request.id));
  return Object.entries(posted).some(
    ([key, ref]) => key.startsWith('card:') && ref.channel === card.channel && ref.ts === card.ts,
  );
}
