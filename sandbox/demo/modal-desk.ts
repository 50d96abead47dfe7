/**
 * The modals on each persona's screen, as the Slack client keeps them: a stack per person (views.open starts one,
 * views.push adds to it, views.update replaces a view in place), shown in the terminal as forms. `/submit` sends
 * `view_submission` and does what the app's answer says (close the view, show `errors` beside the fields, `update`,
 * `push` or `clear`); `/close` dismisses the top view and sends `view_closed` only if it asked (`notify_on_close`).
 */

import type { SlackHttpResult } from '../slack/sign.ts';
import type { SlackViewChange, SlackWebApiFake } from '../slack/web-api.ts';
import { ModalForm } from './modal-form.ts';
import { CHANNEL_NAMES, PERSONAS, type Persona } from './personas.ts';
import type { SlackSender } from './slack-sender.ts';

export interface ModalDesk {
  /** The title of the modal on top of `as`'s stack, if one is open. */
  openTitle(as: Persona): string | undefined;
  fill(as: Persona, field: number, text: string): void;
  submit(as: Persona): Promise<SlackHttpResult | undefined>;
  close(as: Persona): Promise<SlackHttpResult | undefined>;
  stop(): void;
}

/** The app's answer to a view_submission, as Slack reads it from the HTTP response body. */
interface SubmissionAnswer {
  response_action?: unknown;
  errors?: unknown;
  view?: unknown;
}

export function startModalDesk(slack: SlackWebApiFake, sender: SlackSender, print: (text: string) => void): ModalDesk {
  const names: Record<string, string> = { ...CHANNEL_NAMES };
  for (const persona of PERSONAS) names[persona.slackId] = persona.name;
  const stacks = new Map<string, ModalForm[]>();
  const stackOf = (as: Persona) => stacks.get(as.slackId) ?? [];
  const show = (as: Persona, form: ModalForm, note = '') => {
    print([`[modal, only @${as.name} sees this${note}]`, ...form.lines(names).map((line) => `  ${line}`)].join('\n'));
  };
  const top = (as: Persona) => stackOf(as).at(-1);

  const onChange = (change: SlackViewChange) => {
    if (change.method === 'views.update') {
      for (const [userId, stack] of stacks) {
        const index = stack.findIndex((form) => form.id === change.view.id);
        const old = stack[index];
        const owner = PERSONAS.find((p) => p.slackId === userId);
        if (!old || !owner) continue;
        stack[index] = new ModalForm(change.view, old);
        show(owner, stack[index], ', updated');
      }
      return;
    }
    const owner = change.triggerId === undefined ? undefined : sender.whoseTrigger(change.triggerId);
    if (!owner) return; // a trigger the chat never handed out: not on anyone's screen here
    const form = new ModalForm(change.view);
    // views.open starts a new modal (replacing whatever was open); views.push stacks on the open one.
    stacks.set(owner.slackId, change.method === 'views.open' ? [form] : [...stackOf(owner), form]);
    show(owner, form);
  };
  // The fake reports the view while it is still answering the bot; show it once that call is done.
  const unsubscribe = slack.onViewChanged((change) => setImmediate(() => onChange(change)));

  const noModal = (as: Persona): undefined => {
    print(`No modal is open for @${as.name}. Buttons like Deny open one.`);
    return undefined;
  };

  return {
    openTitle(as) {
      const title = top(as)?.view['title'];
      return typeof title === 'object' && title !== null ? String((title as { text?: unknown }).text ?? '') : undefined;
    },
    fill(as, field, text) {
      const form = top(as);
      if (!form) {
        noModal(as);
        return;
      }
      const problem = form.fill(field, text);
      if (problem) return print(problem);
      show(as, form);
    },
    async submit(as) {
      const form = top(as);
      if (!form) return noModal(as);
      if (!form.view['submit']) {
        print('This modal has no submit button; /close dismisses it.');
        return undefined;
      }
      const refused = form.clientErrors();
      if (Object.keys(refused).length > 0) {
        // The Slack client does not send a form with a required field empty; it marks the field instead.
        form.showErrors(refused);
        show(as, form);
        return undefined;
      }
      const result = await sender.submitView(as, form.view, form.stateValues());
      if (result.status === 200) answered(as, form, parseAnswer(result.body));
      return result;
    },
    async close(as) {
      const form = top(as);
      if (!form) return noModal(as);
      const stack = stackOf(as);
      const remaining = form.clearOnClose ? [] : stack.slice(0, -1);
      stacks.set(as.slackId, remaining);
      print(remaining.length === 0 ? `(the modal closed)` : `(back to the previous view)`);
      const below = remaining.at(-1);
      if (below) show(as, below);
      return form.notifyOnClose ? await sender.closeView(as, form.view, remaining.length === 0) : undefined;
    },
    stop: unsubscribe,
  };

  function answered(as: Persona, form: ModalForm, answer: SubmissionAnswer) {
    const stack = stackOf(as);
    switch (answer.response_action) {
      case 'errors': {
        const errors = isStringRecord(answer.errors) ? answer.errors : {};
        form.showErrors(errors);
        return show(as, form);
      }
      case 'update':
      case 'push': {
        if (!isRecord(answer.view)) break;
        const view = slack.acceptViewFromResponse(answer.response_action, answer.view, form.id);
        const next = new ModalForm(view, answer.response_action === 'update' ? form : undefined);
        stacks.set(as.slackId, answer.response_action === 'update' ? [...stack.slice(0, -1), next] : [...stack, next]);
        return show(as, next);
      }
      case 'clear':
        stacks.set(as.slackId, []);
        return print('(the modal closed)');
    }
    // An empty answer closes the submitted view; a view below it in the stack shows again.
    const remaining = stack.slice(0, -1);
    stacks.set(as.slackId, remaining);
    const below = remaining.at(-1);
    if (below) show(as, below);
    else print('(the modal closed)');
  }
}

function parseAnswer(body: string): SubmissionAnswer {
  if (body.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
}
