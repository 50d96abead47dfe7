import type {
  AllMiddlewareArgs,
  App,
  SlackActionMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';

export type EventArgs = SlackEventMiddlewareArgs & AllMiddlewareArgs;
export type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
export type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** Where the listeners register, by event type, action id or view callback id. */
export interface ListenerRouter {
  event(type: string, handler: (args: EventArgs) => Promise<void>): void;
  action(actionId: string, handler: (args: ActionArgs) => Promise<void>): void;
  view(callbackId: string, handler: (args: ViewArgs) => Promise<void>): void;
}

/**
 * Bolt runs every request it receives through the middleware chain of every registered listener, matching or not:
 * with one Bolt listener per button, each event on the ack path paid for sixteen chains. This registers one Bolt
 * listener per kind (events, actions, views) that matches exactly the names registered here and dispatches by name.
 */
export function mountListeners(app: App, register: (router: ListenerRouter) => void): void {
  const events = new Map<string, (args: EventArgs) => Promise<void>>();
  const actions = new Map<string, (args: ActionArgs) => Promise<void>>();
  const views = new Map<string, (args: ViewArgs) => Promise<void>>();
  register({
    event: (type, handler) => addOnce(events, type, handler),
    action: (actionId, handler) => addOnce(actions, actionId, handler),
    view: (callbackId, handler) => addOnce(views, callbackId, handler),
  });
  if (events.size > 0) {
    app.event(exactly(events.keys()), async (args) => {
      await events.get(args.event.type)?.(args);
    });
  }
  if (actions.size > 0) {
    app.action(exactly(actions.keys()), async (args) => {
      await actions.get(actionIdOf(args.action))?.(args);
    });
  }
  if (views.size > 0) {
    app.view(exactly(views.keys()), async (args) => {
      await views.get(args.view.callback_id)?.(args);
    });
  }
}

function addOnce<H>(into: Map<string, H>, name: string, handler: H): void {
  if (into.has(name)) throw new Error(`a Slack listener for ${name} is registered twice`);
  into.set(name, handler);
}

function actionIdOf(action: ActionArgs['action']): string {
  // Block actions carry `action_id`; legacy attachment actions and dialogs carry only `callback_id`, which this
  // app never sends, so they match nothing.
  return 'action_id' in action && typeof action.action_id === 'string' ? action.action_id : '';
}

function exactly(names: Iterable<string>): RegExp {
  const alternatives = [...names].map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}
