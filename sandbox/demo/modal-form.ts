/**
 * A Slack modal (a `type: 'modal'` view) as a terminal form: its title, its non-input blocks as text, its input
 * blocks numbered so `/fill N text` can fill them, and the `view.state.values` Slack would send on submission.
 * Like the Block Kit renderer it reads views generically, by block and element type, never by the bot's ids.
 * What the Slack client checks before it sends anything (a required field left empty, min/max length, an option
 * that is not in the list) is checked here too, with the client's own wording, so the app sees only what Slack sends.
 */
import { renderBlockKitAsText } from './block-kit-text.ts';

type Json = Record<string, unknown>;

/** An input block's element, with what the form needs to fill it and report it. */
export interface FormField {
  number: number;
  blockId: string;
  actionId: string;
  label: string;
  type: string;
  optional: boolean;
  multiline: boolean;
  minLength: number | undefined;
  maxLength: number | undefined;
  /** For selects and radio buttons: the choices, as Slack's option objects. */
  options: Json[] | undefined;
}

/** One element's entry in `view.state.values`. */
export type StateValue = { type: string } & Record<string, unknown>;

/** Text inputs: the typed string is the `value` (Slack sends numbers and addresses as strings too). */
const TEXT_INPUTS = new Set(['plain_text_input', 'number_input', 'email_text_input', 'url_text_input']);
const CHOICE_INPUTS = new Set(['static_select', 'radio_buttons']);

/** Slack's own wording for a required field left empty. */
export const REQUIRED_FIELD = 'Please complete this required field.';

export class ModalForm {
  readonly view: Json & { id: string };
  readonly fields: FormField[];
  readonly #typed = new Map<number, string>();
  #errors: Record<string, string> = {};

  constructor(view: Json & { id: string }, carried?: ModalForm) {
    this.view = view;
    this.fields = inputFields(view);
    // views.update (or response_action: update) keeps what was typed in inputs whose block and action ids stay.
    for (const field of this.fields) {
      const before = carried?.fields.find((f) => f.blockId === field.blockId && f.actionId === field.actionId);
      const typed = before === undefined ? undefined : carried?.typed(before.number);
      if (typed !== undefined) this.#typed.set(field.number, typed);
    }
  }

  get id(): string {
    return this.view.id;
  }

  get notifyOnClose(): boolean {
    return this.view['notify_on_close'] === true;
  }

  get clearOnClose(): boolean {
    return this.view['clear_on_close'] === true;
  }

  typed(number: number): string | undefined {
    return this.#typed.get(number);
  }

  /** Fills field `number`; answers a problem (as the client would stop you) instead of filling, or undefined. */
  fill(number: number, text: string): string | undefined {
    const field = this.fields.find((f) => f.number === number);
    if (!field) {
      const range = this.fields.length === 0 ? 'This modal has no fields.' : `Fields are 1–${this.fields.length}.`;
      return `There is no field (${number}). ${range}`;
    }
    if (TEXT_INPUTS.has(field.type)) {
      if (field.maxLength !== undefined && text.length > field.maxLength) {
        return `(${number}) ${field.label} takes at most ${field.maxLength} characters; that was ${text.length}.`;
      }
      if (field.type === 'number_input' && text !== '' && !Number.isFinite(Number(text))) {
        return `(${number}) ${field.label} takes a number.`;
      }
    } else if (CHOICE_INPUTS.has(field.type)) {
      if (text !== '' && !optionFor(field, text)) {
        return `(${number}) ${field.label} is one of: ${(field.options ?? []).map(optionText).join(', ')}.`;
      }
    } else {
      return `(${number}) ${field.label} is a ${field.type}, which the terminal cannot fill.`;
    }
    if (text === '') this.#typed.delete(number);
    else this.#typed.set(number, text);
    delete this.#errors[field.blockId];
    return undefined;
  }

  /** What the Slack client refuses to submit, keyed by block_id like `response_action: errors`. */
  clientErrors(): Record<string, string> {
    const errors: Record<string, string> = {};
    for (const field of this.fields) {
      const typed = this.#typed.get(field.number) ?? '';
      if (typed === '' && !field.optional) errors[field.blockId] = REQUIRED_FIELD;
      else if (typed !== '' && field.minLength !== undefined && typed.length < field.minLength) {
        errors[field.blockId] = `Must be at least ${field.minLength} characters.`;
      }
    }
    return errors;
  }

  /** Errors to show beside fields (from the client's checks or the app's `response_action: errors`). */
  showErrors(errors: Record<string, string>): void {
    this.#errors = { ...errors };
  }

  /** `view.state.values` as Slack sends it: every input block, by block_id then action_id, empty ones as null. */
  stateValues(): Record<string, Record<string, StateValue>> {
    const values: Record<string, Record<string, StateValue>> = {};
    for (const field of this.fields) {
      const typed = this.#typed.get(field.number);
      const entry: StateValue = { type: field.type };
      if (TEXT_INPUTS.has(field.type)) entry['value'] = typed ?? null;
      else if (CHOICE_INPUTS.has(field.type))
        entry['selected_option'] = typed ? (optionFor(field, typed) ?? null) : null;
      values[field.blockId] = { ...values[field.blockId], [field.actionId]: entry };
    }
    return values;
  }

  /** The form as text: title, the view's text, numbered fields with what is typed and any error beside them. */
  lines(names: Readonly<Record<string, string>> = {}): string[] {
    const title = plainText(this.view['title']) || 'Modal';
    const lines = [`┌ ${title}`];
    let fieldIndex = 0;
    for (const block of blocksOf(this.view)) {
      if (block['type'] !== 'input') {
        lines.push(
          ...renderBlockKitAsText({ blocks: [block] }, { names, unpressable: true }).lines.map((line) => `│ ${line}`),
        );
        continue;
      }
      const field = this.fields[fieldIndex++];
      if (!field) continue;
      const typed = this.#typed.get(field.number);
      const shown = typed === undefined ? '(empty)' : quoteTyped(typed);
      const note = field.optional ? ' (optional)' : '';
      lines.push(`│ (${field.number}) ${field.label}${note}: ${shown}`);
      if (field.options) lines.push(`│     one of: ${field.options.map(optionText).join(', ')}`);
      const hint = plainText(block['hint']);
      if (hint) lines.push(`│     ${hint}`);
      const error = this.#errors[field.blockId];
      if (error) lines.push(`│     ⚠ ${error}`);
    }
    const submit = plainText(this.view['submit']);
    const close = plainText(this.view['close']) || 'Cancel';
    const actions = [
      ...(this.fields.length > 0 ? ['/fill N text'] : []),
      ...(submit ? [`/submit = ${submit}`] : []),
      `/close = ${close}`,
    ];
    lines.push(`└ ${actions.join('   ')}`);
    return lines;
  }
}

function inputFields(view: Json): FormField[] {
  const fields: FormField[] = [];
  for (const block of blocksOf(view)) {
    if (block['type'] !== 'input' || !isJson(block['element'])) continue;
    const element = block['element'];
    const options = Array.isArray(element['options']) ? element['options'].filter(isJson) : undefined;
    fields.push({
      number: fields.length + 1,
      blockId: stringField(block, 'block_id') ?? '',
      actionId: stringField(element, 'action_id') ?? '',
      label: plainText(block['label']),
      type: stringField(element, 'type') ?? '',
      optional: block['optional'] === true,
      multiline: element['multiline'] === true,
      minLength: numberField(element, 'min_length'),
      maxLength: numberField(element, 'max_length'),
      options,
    });
  }
  return fields;
}

/** An option picked by its text, its value or its position (1-based). */
function optionFor(field: FormField, typed: string): Json | undefined {
  const options = field.options ?? [];
  const byNumber = /^\d+$/.test(typed) ? options[Number(typed) - 1] : undefined;
  return options.find((o) => optionText(o) === typed || o['value'] === typed) ?? byNumber;
}

function optionText(option: Json): string {
  return plainText(option['text']);
}

/** Typed text on one line: a multiline answer shows its line breaks as ↵. */
function quoteTyped(text: string): string {
  return `"${text.replaceAll('\n', '↵')}"`;
}

function blocksOf(view: Json): Json[] {
  return Array.isArray(view['blocks']) ? view['blocks'].filter(isJson) : [];
}

function plainText(value: unknown): string {
  return isJson(value) && typeof value['text'] === 'string' ? value['text'] : '';
}

function stringField(value: Json, key: string): string | undefined {
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

function numberField(value: Json, key: string): number | undefined {
  const field = value[key];
  return typeof field === 'number' ? field : undefined;
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
