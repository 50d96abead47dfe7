import { createHmac } from 'node:crypto';
import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { blockActions, directMessageEvent, eventCallback, slashCommand } from '../../../sandbox/slack/payloads.ts';
import { signedHeaders, slackSignature } from '../../../sandbox/slack/sign.ts';

// The worked example from Slack's "Verifying requests from Slack" guide.
const SLACK_EXAMPLE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
    '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
    '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

describe('slackSignature', () => {
  it("reproduces Slack's documented test vector", () => {
    expect(slackSignature(SLACK_EXAMPLE.secret, SLACK_EXAMPLE.timestamp, SLACK_EXAMPLE.body)).toBe(
      SLACK_EXAMPLE.signature,
    );
  });

  it('equals an independently computed HMAC-SHA256 over v0:timestamp:body, including non-ASCII bodies', () => {
    const body = JSON.stringify({ text: 'grant prod admin for 2h — bitte 🙏' });
    const expected = `v0=${createHmac('sha256', 'other-secret')
      .update(Buffer.from(`v0:1700000000:${body}`, 'utf8'))
      .digest('hex')}`;

    expect(slackSignature('other-secret', 1700000000, body)).toBe(expected);
    expect(slackSignature('other-secret', 1700000001, body)).not.toBe(expected);
  });

  it("produces headers that Bolt's own verifier accepts, and that it rejects once stale or for another secret", () => {
    const now = 1_700_000_000_000;
    const body = eventCallback({ event: directMessageEvent({ user: 'U0BOB', channel: 'D0BOB', text: 'hi' }) }).body;
    const fresh = signedHeaders('s3cret', body, now / 1000);
    const stale = signedHeaders('s3cret', body, now / 1000 - 301);
    const asBolt =
      (headers: Record<string, string>, secret = 's3cret') =>
      () =>
        verifySlackRequest({
          signingSecret: secret,
          body,
          nowMilliseconds: now,
          headers: {
            'x-slack-signature': headers['x-slack-signature'] ?? '',
            'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
          },
        });

    expect(asBolt(fresh)).not.toThrow();
    expect(asBolt(fresh, 'another')).toThrow(/signature mismatch/);
    expect(asBolt(stale)).toThrow(/stale/);
  });
});

describe('payload builders', () => {
  it('encodes a slash command as the form Slack posts', () => {
    const built = slashCommand({
      text: 'grant prod admin 2h',
      userId: 'U0BOB',
      channelId: 'C0OPS',
      responseUrl: 'http://x/r',
    });
    const form = new URLSearchParams(built.body);

    expect(built.kind).toBe('command');
    expect(built.body).toContain('command=%2Feks&text=grant+prod+admin+2h');
    expect(Object.fromEntries(form)).toMatchObject({
      command: '/eks',
      user_id: 'U0BOB',
      channel_id: 'C0OPS',
      response_url: 'http://x/r',
      team_id: 'T0SANDBOX',
    });
    expect(form.get('trigger_id')).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
  });

  it('wraps a block_actions payload as JSON in the form field payload', () => {
    const built = blockActions({
      userId: 'U0CAROL',
      actionId: 'approve',
      value: 'req-1',
      channelId: 'C0OPS',
      messageTs: '1700000000.000100',
    });
    const payload: unknown = JSON.parse(new URLSearchParams(built.body).get('payload') ?? 'null');

    expect(built.kind).toBe('interaction');
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0CAROL' },
      container: { message_ts: '1700000000.000100', channel_id: 'C0OPS' },
      channel: { id: 'C0OPS' },
      actions: [{ action_id: 'approve', value: 'req-1', type: 'button' }],
    });
  });

  it('builds an event_callback envelope with authorizations and a DM event', () => {
    const built = eventCallback({
      event: directMessageEvent({ user: 'U0BOB', channel: 'D0BOB', text: 'hi' }),
      eventId: 'Ev1',
      eventTime: 1700000000,
    });

    expect(JSON.parse(built.body)).toMatchObject({
      type: 'event_callback',
      event_id: 'Ev1',
      event_time: 1700000000,
      event: { type: 'message', channel_type: 'im', user: 'U0BOB', text: 'hi' },
      authorizations: [{ user_id: 'U0SANDBOXBOT', is_bot: true }],
    });
  });
});
