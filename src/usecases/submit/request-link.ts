import type { AccessRequest } from '../../core/request/request.ts';
import type { Deps } from '../ports/deps.ts';
import { requestOwner } from '../support/post-once.ts';

/**
 * A link to the request's conversation for the person it is for: the bot's reply in the thread it was asked in.
 * Only channel threads: a slash command or a DM with the bot lives in the requester's own DM, which nobody else
 * can open. A Slack failure leaves the notice without a link rather than holding it back.
 */
export async function requestLink(
  deps: Pick<Deps, 'notifier' | 'messages'>,
  request: AccessRequest,
): Promise<string | undefined> {
  if (!/^[CG][A-Z0-9]+$/.test(request.channel)) return undefined;
  const ack = await deps.messages.get(requestOwner(request.id), 'ack');
  if (!ack || ack.channel !== request.channel) return undefined;
  return deps.notifier.permalink(ack.channel, ack.ts).catch(() => undefined);
}
