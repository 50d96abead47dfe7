/**
 * Block Kit validation for the Web API fake. Slack answers a bad layout with `invalid_blocks` and an `errors` list of
 * `<reason> [json-pointer:/blocks/…]` strings; the fake produces the same shape so a failing test points at the field.
 * It checks the limits the product can realistically hit, not the whole Block Kit schema.
 */
import {
  SLACK_ACTION_ID_MAX,
  SLACK_ACTIONS_ELEMENTS_MAX,
  SLACK_BLOCK_ID_MAX,
  SLACK_BUTTON_TEXT_MAX,
  SLACK_BUTTON_URL_MAX,
  SLACK_BUTTON_VALUE_MAX,
  SLACK_CONTEXT_ELEMENTS_MAX,
  SLACK_HEADER_TEXT_MAX,
  SLACK_SECTION_FIELD_TEXT_MAX,
  SLACK_SECTION_FIELDS_MAX,
  SLACK_SECTION_TEXT_MAX,
} from './limits.ts';

const BLOCK_TYPES = new Set([
  'actions',
  'context',
  'context_actions',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'table',
  'video',
]);

/** The fields the checks read from blocks, elements and text objects. */
interface Json {
  type?: unknown;
  text?: unknown;
  fields?: unknown;
  accessory?: unknown;
  elements?: unknown;
  block_id?: unknown;
  action_id?: unknown;
  value?: unknown;
  url?: unknown;
}

export function validateBlocks(blocks: unknown, maxBlocks: number): string[] {
  if (!Array.isArray(blocks)) return [at('must be an array', '/blocks')];
  const errors: string[] = [];
  if (blocks.length > maxBlocks) errors.push(at(`no more than ${maxBlocks} items allowed`, '/blocks'));
  blocks.forEach((block: unknown, index) => {
    errors.push(...validateBlock(block, `/blocks/${index}`));
  });
  return errors;
}

function validateBlock(block: unknown, pointer: string): string[] {
  if (!isObject(block) || typeof block.type !== 'string') return [at('must be an object with a type', pointer)];
  if (!BLOCK_TYPES.has(block.type)) return [at(`unsupported block type: ${block.type}`, `${pointer}/type`)];
  const errors = maxLength(block.block_id, SLACK_BLOCK_ID_MAX, `${pointer}/block_id`);
  switch (block.type) {
    case 'section':
      return [...errors, ...validateSection(block, pointer)];
    case 'header':
      return [...errors, ...textObject(block.text, SLACK_HEADER_TEXT_MAX, `${pointer}/text`, true)];
    case 'actions':
      return [...errors, ...validateElements(block.elements, SLACK_ACTIONS_ELEMENTS_MAX, `${pointer}/elements`)];
    case 'context':
      return [...errors, ...count(block.elements, SLACK_CONTEXT_ELEMENTS_MAX, `${pointer}/elements`)];
    default:
      return errors;
  }
}

function validateSection(block: Json, pointer: string): string[] {
  if (block.text === undefined && block.fields === undefined)
    return [at('must provide either text or fields', pointer)];
  const errors: string[] = [];
  if (block.text !== undefined)
    errors.push(...textObject(block.text, SLACK_SECTION_TEXT_MAX, `${pointer}/text`, false));
  if (block.fields !== undefined) {
    errors.push(...count(block.fields, SLACK_SECTION_FIELDS_MAX, `${pointer}/fields`));
    if (Array.isArray(block.fields)) {
      block.fields.forEach((field: unknown, index) => {
        errors.push(...textObject(field, SLACK_SECTION_FIELD_TEXT_MAX, `${pointer}/fields/${index}`, false));
      });
    }
  }
  if (block.accessory !== undefined) errors.push(...validateElement(block.accessory, `${pointer}/accessory`));
  return errors;
}

function validateElements(elements: unknown, max: number, pointer: string): string[] {
  const errors = count(elements, max, pointer);
  if (Array.isArray(elements)) {
    if (elements.length === 0) errors.push(at('must have at least 1 item', pointer));
    elements.forEach((element: unknown, index) => {
      errors.push(...validateElement(element, `${pointer}/${index}`));
    });
  }
  return errors;
}

function validateElement(element: unknown, pointer: string): string[] {
  if (!isObject(element) || typeof element.type !== 'string') return [at('must be an object with a type', pointer)];
  const errors = maxLength(element.action_id, SLACK_ACTION_ID_MAX, `${pointer}/action_id`);
  if (element.type !== 'button') return errors;
  return [
    ...errors,
    ...textObject(element.text, SLACK_BUTTON_TEXT_MAX, `${pointer}/text`, true),
    ...maxLength(element.value, SLACK_BUTTON_VALUE_MAX, `${pointer}/value`),
    ...maxLength(element.url, SLACK_BUTTON_URL_MAX, `${pointer}/url`),
  ];
}

function textObject(value: unknown, max: number, pointer: string, isPlainOnly: boolean): string[] {
  if (!isObject(value) || typeof value.text !== 'string') return [at('must be a text object', pointer)];
  if (value.type !== 'plain_text' && (isPlainOnly || value.type !== 'mrkdwn')) {
    return [at(`must be one of [${isPlainOnly ? 'plain_text' : 'plain_text, mrkdwn'}]`, `${pointer}/type`)];
  }
  if (value.text.length === 0) return [at('must be more than 0 characters', `${pointer}/text`)];
  return maxLength(value.text, max, `${pointer}/text`);
}

function maxLength(value: unknown, max: number, pointer: string): string[] {
  if (value === undefined) return [];
  if (typeof value !== 'string') return [at('must be a string', pointer)];
  return value.length > max ? [at(`must be less than ${max + 1} characters`, pointer)] : [];
}

function count(value: unknown, max: number, pointer: string): string[] {
  if (!Array.isArray(value)) return [at('must be an array', pointer)];
  return value.length > max ? [at(`no more than ${max} items allowed`, pointer)] : [];
}

function at(reason: string, pointer: string): string {
  return `${reason} [json-pointer:${pointer}]`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
