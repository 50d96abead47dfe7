import type { AskFacts } from '../diagnose/evidence.ts';
import { type AdminCommand, parseAdminCommand } from './admin-command.ts';
import { askFactsFrom } from './ask.ts';
import { type CancelCommand, parseCancelCommand } from './cancel-command.ts';
import type { Intent, ParseContext, ParseFailure } from './intent.ts';
import { type LinkCommand, parseLinkCommand } from './link-command.ts';
import { type MessageText, plainText } from './message-text.ts';
import { parseIntent } from './parse.ts';
import { findPastedIdentity, type PastedIdentity } from './pasted-identity.ts';
import { parseReportCommand, type ReportCommand } from './report-command.ts';

/** "Why am I unauthorized on prod?": the cluster, and what the message says about who is calling and how. */
export interface DiagnoseIntent {
  kind: 'diagnose';
  cluster?: string;
  pastedArn?: string;
  /** A pasted `aws sts get-caller-identity` output or ARN (or why it could not be read). */
  identity: PastedIdentity;
  /** A namespace or impersonation flags in the person's own command. */
  ask: AskFacts;
}

/** Everything a message can mean. Each `kind` is answered by one use case. */
export type MessageIntent =
  | LinkCommand
  | CancelCommand
  | AdminCommand
  | ReportCommand
  | Exclude<Intent, { kind: 'diagnose' }>
  | DiagnoseIntent
  | ParseFailure;

/**
 * The parser's one entry: a decoded chat message → what it means. The one-line command grammars are tried first, in
 * this order, because each is a strict whole-message pattern that free text would misread ("cancel" as a revoke,
 * "audit prod" as nothing); everything else goes to the free-text grammar. Pure and total: never throws.
 */
export function parseMessage(message: MessageText, context: ParseContext): MessageIntent {
  // `link` first: a message holding a token is never read by another grammar.
  const command =
    parseLinkCommand(message.parts) ??
    parseCancelCommand(message.parts) ??
    parseAdminCommand(message.parts) ??
    parseReportCommand(message.parts);
  if (command !== undefined) return command;
  const intent = parseIntent(message, context);
  if (intent.kind !== 'diagnose') return intent;
  const text = plainText(message.parts);
  return { ...intent, identity: findPastedIdentity(text), ask: askFactsFrom(text) };
}
