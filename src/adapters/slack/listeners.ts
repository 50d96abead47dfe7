import type { App } from '@slack/bolt';
import { ACTIONS } from '../../core/messages/message.ts';
import type { Producer } from '../queue/producer.ts';
import { clipText, requestIdFor } from './inbound-ids.ts';
import type { ListenerRouter } from './listener-router.ts';
import { appHomeOpenedEvent, directMessageEvent, homeAction, mentionEvent, reviewAction } from './payloads.ts';
import { SLACK_ACTION_IDS } from './render/wire-ids.ts';

const MAX_BUTTON_VALUE_STORED = 64;

/**
 * Every listener does the same three things, in this order: store what arrived (a BullMQ job,
 * whose id also de-duplicates Slack's redeliveries), then let Bolt answer. Nothing here waits on AWS.
 * Events are answered after the listener returns (processBeforeResponse); commands and clicks call ack() last.
 */
export function registerListeners(app: App, router: ListenerRouter, producer: Producer): void {
  for (const [eventType, source, schema] of [
    ['app_mention', 'mention', mentionEvent],
    ['message', 'dm', directMessageEvent],
  ] as const) {
    router.event(eventType, async ({ event, body, context }) => {
      const parsed = schema.safeParse(event);
      const eventId = (body as { event_id?: string }).event_id;
      if (!parsed.success || !eventId) return;
      const e = parsed.data;
      await producer.enqueueInbound({
        inboundId: eventId,
        requestId: requestIdFor(eventId),
        source,
        user: e.user,
        channel: e.channel,
        ts: e.ts,
        ...(e.thread_ts ? { threadTs: e.thread_ts } : {}),
        text: clipText(e.text),
        ...(context.botUserId ? { botUserId: context.botUserId } : {}),
      });
    });
  }

  router.event('app_home_opened', async ({ event, body }) => {
    const parsed = appHomeOpenedEvent.safeParse(event);
    const eventId = (body as { event_id?: string }).event_id;
    // The Messages tab opening needs nothing published.
    if (!parsed.success || !eventId || (parsed.data.tab ?? 'home') !== 'home') return;
    await producer.enqueueHome({ eventId, user: parsed.data.user });
  });

  app.command('/eks', async ({ command, ack }) => {
    const inboundId = `cmd-${command.trigger_id}`;
    await producer.enqueueInbound({
      inboundId,
      requestId: requestIdFor(inboundId),
      source: 'command',
      user: command.user_id,
      channel: command.channel_id,
      text: clipText(command.text ?? ''),
    });
    await ack({ response_type: 'ephemeral', text: 'Got it. I will answer in a direct message.' });
  });

  // Deny opens a modal for the reason (modal-listeners.ts); only Approve is stored straight from the click.
  for (const [decision, actionId] of [['approve', SLACK_ACTION_IDS[ACTIONS.approve]]] as const) {
    router.action(actionId, async ({ body, action, ack }) => {
      const parsed = reviewAction.safeParse(body);
      // The value is only a request id; an edited one is stored as given (clipped) and the worker
      // answers the clicker with a visible refusal, so bad input never fails silently.
      const value = String((action as { value?: unknown }).value ?? '').slice(0, MAX_BUTTON_VALUE_STORED);
      const fromHome = parsed.success ? undefined : homeAction.safeParse(body);
      if (parsed.success) {
        await producer.enqueueInteraction(parsed.data.trigger_id, {
          kind: 'review',
          requestId: value,
          decision,
          user: parsed.data.user.id,
          card: { channel: parsed.data.container.channel_id, ts: parsed.data.container.message_ts },
        });
      } else if (fromHome?.success) {
        // From the clicker's App Home tab: the worker checks the view is the one it published for them.
        await producer.enqueueInteraction(fromHome.data.trigger_id, {
          kind: 'review',
          requestId: value,
          decision,
          user: fromHome.data.user.id,
          viewId: fromHome.data.container.view_id,
        });
      }
      await ack();
    });
  }

  for (const [kind, actionId] of [
    ['migrate-entries', SLACK_ACTION_IDS[ACTIONS.migrateEntries]],
    ['done', SLACK_ACTION_IDS[ACTIONS.done]],
    ['extend', SLACK_ACTION_IDS[ACTIONS.extend]],
    ['ack-review', SLACK_ACTION_IDS[ACTIONS.acknowledgeReview]],
    ['unlink', SLACK_ACTION_IDS[ACTIONS.unlink]],
  ] as const) {
    router.action(actionId, async ({ body, action, ack }) => {
      const parsed = reviewAction.safeParse(body);
      const fromHome = parsed.success ? undefined : homeAction.safeParse(body);
      const requestId = String((action as { value?: unknown }).value ?? '').slice(0, MAX_BUTTON_VALUE_STORED);
      if (parsed.success) {
        await producer.enqueueInteraction(parsed.data.trigger_id, {
          kind,
          requestId,
          user: parsed.data.user.id,
          channel: parsed.data.container.channel_id,
        });
      } else if (fromHome?.success) {
        await producer.enqueueInteraction(fromHome.data.trigger_id, {
          kind,
          requestId,
          user: fromHome.data.user.id,
          channel: '',
          viewId: fromHome.data.container.view_id,
        });
      }
      await ack();
    });
  }

  for (const [kind, actionId] of [
    ['diagnose', SLACK_ACTION_IDS[ACTIONS.diagnose]],
    ['request', SLACK_ACTION_IDS[ACTIONS.requestAccess]],
  ] as const) {
    router.action(actionId, async ({ body, action, ack }) => {
      const parsed = reviewAction.safeParse(body);
      if (parsed.success) {
        const { container, trigger_id: clickId, user } = parsed.data;
        await producer.enqueueInteraction(clickId, {
          kind,
          clickId,
          requestId: requestIdFor(`click-${clickId}`),
          cluster: String((action as { value?: unknown }).value ?? '').slice(0, MAX_BUTTON_VALUE_STORED),
          user: user.id,
          channel: container.channel_id,
          threadTs: container.thread_ts ?? container.message_ts,
        });
      }
      await ack();
    });
  }
}
