/**
 * Argument decoding for the Slack Web API fake. `@slack/web-api` posts `application/x-www-form-urlencoded` bodies in
 * which every non-scalar argument (`blocks`, `attachments`, `metadata`, `view`) is a JSON string; other clients post
 * `application/json`. Both arrive here as one flat argument map.
 */
import type { FakeRequest } from '../fake-server.ts';
import { validateBlocks } from './blocks.ts';
import { SLACK_MESSAGE_TEXT_MAX } from './limits.ts';

export type SlackArgs = Record<string, unknown>;

/** A Slack platform error: HTTP 200 with `{ ok: false, error }` plus optional detail fields. */
export class SlackApiError extends Error {
  readonly error: string;
  readonly detail: Record<string, unknown>;

  constructor(error: string, detail: Record<string, unknown> = {}) {
    super(error);
    this.name = 'SlackApiError';
    this.error = error;
    this.detail = detail;
  }
}

export function parseArgs(request: FakeRequest): SlackArgs {
  const args: SlackArgs = Object.fromEntries(request.query);
  const contentType = request.headers['content-type'] ?? '';
  if (request.body === '') return args;
  if (contentType.startsWith('application/json')) {
    const parsed: unknown = safeJson(request.body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SlackApiError('invalid_json');
    return { ...args, ...(parsed as SlackArgs) };
  }
  return { ...args, ...Object.fromEntries(new URLSearchParams(request.body)) };
}

/** The token a call carries: `Authorization: Bearer …` (what WebClient sends) or a `token` argument. */
export function tokenOf(request: FakeRequest, args: SlackArgs): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  return bearer ?? stringArg(args, 'token');
}

export function stringArg(args: SlackArgs, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function isTrue(args: SlackArgs, key: string): boolean {
  const value = args[key];
  return value === true || value === 'true' || value === '1';
}

/** A JSON-valued argument: a JSON string (form encoding) or an already-parsed value (JSON body). */
export function jsonArg(args: SlackArgs, key: string, formatError: string): unknown {
  const value = args[key];
  if (typeof value !== 'string') return value;
  const parsed = safeJson(value);
  if (parsed === undefined) throw new SlackApiError(formatError);
  return parsed;
}

export interface MessageContent {
  text: string | undefined;
  blocks: unknown[] | undefined;
  metadata: unknown;
}

/** Checks a message body the way `chat.postMessage`/`chat.update`/`chat.postEphemeral` do. */
export function messageContent(args: SlackArgs, maxBlocks: number): MessageContent {
  const text = stringArg(args, 'text');
  const blocks = jsonArg(args, 'blocks', 'invalid_blocks_format');
  const attachments = jsonArg(args, 'attachments', 'invalid_attachments');
  const metadata = jsonArg(args, 'metadata', 'invalid_metadata_format');
  if (blocks !== undefined) {
    const errors = validateBlocks(blocks, maxBlocks);
    if (errors.length > 0) {
      throw new SlackApiError('invalid_blocks', {
        errors,
        response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
      });
    }
  }
  const blockList = Array.isArray(blocks) && blocks.length > 0 ? blocks : undefined;
  if (text === undefined && blockList === undefined && attachments === undefined) throw new SlackApiError('no_text');
  if (text !== undefined && text.length > SLACK_MESSAGE_TEXT_MAX) throw new SlackApiError('msg_too_long');
  return { text, blocks: blockList, metadata };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
