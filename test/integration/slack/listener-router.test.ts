import { App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { appMentionEvent, blockActions, eventCallback, viewSubmission } from '../../../sandbox/slack/payloads.ts';
import { mountListeners } from '../../../src/adapters/slack/listener-router.ts';

/** A real Bolt app that never touches the network: a fixed authorization, driven through `processEvent`. */
function boltApp(): App {
  return new App({
    signingSecret: 'listener-router-test-secret',
    authorize: async () => ({ botToken: 'xoxb-listener-router-test', botUserId: 'U0BOT' }),
    tokenVerificationEnabled: false,
  });
}

async function deliver(app: App, payload: unknown): Promise<number> {
  let acks = 0;
  await app.processEvent({
    body: payload as Record<string, unknown>,
    ack: async () => {
      acks += 1;
    },
  });
  return acks;
}

describe('one Bolt listener per kind, dispatched by name', () => {
  it('routes events by type, actions by action id and views by callback id, each to its own handler only', async () => {
    const app = boltApp();
    const seen: string[] = [];
    mountListeners(app, (router) => {
      router.event('app_mention', async ({ event }) => void seen.push(`event:${event.type}`));
      router.event('app_home_opened', async () => void seen.push('event:home'));
      router.action('approve', async ({ ack }) => {
        seen.push('action:approve');
        await ack();
      });
      router.action('approve.step-up', async ({ ack }) => {
        seen.push('action:step-up');
        await ack();
      });
      router.view('deny-reason', async ({ ack }) => {
        seen.push('view:deny-reason');
        await ack();
      });
    });
    const click = (actionId: string) =>
      blockActions({ userId: 'U1', actionId, value: 'R1', channelId: 'C1', messageTs: '1.000100' }).payload;

    await deliver(app, eventCallback({ event: appMentionEvent({ user: 'U1', channel: 'C1', text: 'hi' }) }).payload);
    await deliver(app, click('approve.step-up'));
    await deliver(app, click('approve'));
    await deliver(
      app,
      viewSubmission({ userId: 'U1', view: { id: 'V1', callback_id: 'deny-reason' }, values: {} }).payload,
    );

    expect(seen).toEqual(['event:app_mention', 'action:step-up', 'action:approve', 'view:deny-reason']);
  });

  it('matches names exactly: a prefix, a longer name or a regex look-alike reaches no handler', async () => {
    const app = boltApp();
    const seen: string[] = [];
    mountListeners(app, (router) => {
      router.action('a.b', async ({ ack }) => {
        seen.push('a.b');
        await ack();
      });
    });

    for (const actionId of ['a', 'a.bc', 'axb', 'xa.b']) {
      await deliver(app, blockActions({ userId: 'U1', actionId, channelId: 'C1', messageTs: '1.000100' }).payload);
    }

    expect(seen).toEqual([]);
  });

  it('refuses a second handler for the same name', () => {
    expect(() =>
      mountListeners(boltApp(), (router) => {
        router.action('approve', async () => {});
        router.action('approve', async () => {});
      }),
    ).toThrow('a Slack listener for approve is registered twice');
  });
});
