import { describe, expect, it } from 'vitest';
import { asChannelId } from '../../../../src/core/ids.ts';
import type { MessageLog, MessageRef, Notifier } from '../../../../src/usecases/ports/chat.ts';
import { sharedPlaceOf } from '../../../../src/usecases/submit/request-link.ts';
import { BOB, pendingRequest } from '../../core/request/fixtures.ts';

/** Only the two calls sharedPlaceOf makes: the logged "request received" reply, and its permalink. */
function deps(ack: MessageRef | undefined, permalink: () => Promise<string | undefined>) {
  const messages = { get: async () => ack } as unknown as MessageLog;
  const notifier = { permalink } as unknown as Notifier;
  return { messages, notifier };
}

const LINK = 'https://example.slack.com/archives/C0REQUESTS/p1';

describe('where the person a request is for can follow it', () => {
  it('is the channel it was asked in, with a link to the bot reply there', async () => {
    const request = pendingRequest({ channel: asChannelId('C0REQUESTS') });

    const place = await sharedPlaceOf(
      deps({ channel: 'C0REQUESTS', ts: '1.1' }, async () => LINK),
      request,
    );

    expect(place).toEqual({ place: 'C0REQUESTS', link: LINK });
  });

  it('is the channel without a link when the reply is not logged there, or Slack cannot link it', async () => {
    const request = pendingRequest({ channel: asChannelId('G0PRIVATE') });
    const failing = async () => Promise.reject(new Error('slack down'));

    expect(
      await sharedPlaceOf(
        deps(undefined, async () => LINK),
        request,
      ),
    ).toEqual({ place: 'G0PRIVATE' });
    expect(await sharedPlaceOf(deps({ channel: 'G0PRIVATE', ts: '1.1' }, failing), request)).toEqual({
      place: 'G0PRIVATE',
      link: undefined,
    });
  });

  it('is nowhere for a DM with the bot or a slash command: the person cannot open that conversation', async () => {
    const request = pendingRequest({ requester: BOB, channel: asChannelId('D0BOBDM') });

    expect(
      await sharedPlaceOf(
        deps({ channel: 'D0BOBDM', ts: '1.1' }, async () => LINK),
        request,
      ),
    ).toBeUndefined();
  });
});
