import type { SharedPlace } from '../../core/messages/for-others-messages.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { Deps } from '../ports/deps.ts';
import { requestOwner } from '../support/post-once.ts';

/**
 * Where the person a request is for can follow it: the channel it was asked in, with a link to the bot's reply in
 * its thread. Only channels (Slack ids C…/G…): a slash command or a DM with the bot lives in the requester's own DM,
 * which nobody else can open, so that is undefined. A Slack failure leaves the place without a link rather than
 * holding the notice back.
 */
export async function sharedPlaceOf(
  deps: Pick<Deps, 'notifier' | 'messages'>,
  request: AccessRequest,
): Promise<SharedPlace | undefined> {
  if (!/^[CG][A-Z0-9]+$/.test(request.channel)) return undefined;
  const ack = await deps.messages.get(requestOwner(request.id), 'ack');
  if (!ack || ack.channel !== request.channel) return { place: request.channel };
  const link = await deps.notifier.permalink(ack.channel, ack.ts).catch(() => undefined);
  return { place: request.channel, link };
}
