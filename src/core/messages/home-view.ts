import { timeLeft, utcMinute } from '../access/time-left.ts';
import type { AccessRequest } from '../request/request.ts';
import { homeLinkParts, type LinkShown } from './link-messages.ts';
import { ACTIONS, type Message, type MessagePart } from './message.ts';
import {
  cluster,
  code,
  join,
  lines as joinLines,
  person,
  plainText,
  type Rich,
  rich,
  said,
  strong,
  type Text,
} from './rich.ts';

/**
 * Slack's limits for a Home view (https://docs.slack.dev/reference/views/home-tab-views: 100 blocks;
 * https://docs.slack.dev/reference/block-kit/blocks/section-block: 3,000 characters of section text).
 * Every part below renders as exactly one block, so counting parts counts blocks.
 */
export const HOME_MAX_BLOCKS = 100;
export const HOME_SECTION_TEXT_MAX = 3000;
/** Items with buttons take two blocks each; 20 + 20 of them plus headings stay well inside 100 blocks. */
export const HOME_ITEMS_PER_LIST = 20;
/**
 * Pending requests shown with their own Cancel button; the rest are listed (cancel those from their reply, or with
 * `cancel`). Two blocks each: with the other lists at their caps the view stays within Slack's 100 blocks.
 */
export const HOME_CANCELLABLE = 5;

export interface HomeInput {
  user: string;
  now: number;
  /** Active grants the user holds or asked for. */
  grants: readonly AccessRequest[];
  /** The user's own requests still waiting. */
  pending: readonly AccessRequest[];
  /** Requests on clusters the user approves that they may decide (not theirs, not already approved by them). */
  waiting: readonly AccessRequest[];
  isApprover: boolean;
  /** Whether approving a waiting request needs the step-up modal (its cluster's `stepUpLevels`, migrations, recoveries). */
  needsStepUp?: (request: AccessRequest) => boolean;
  /** The identity the user proved with `link`, shown with an Unlink button. */
  link?: LinkShown;
}

/** The App Home tab: your access with time left (Revoke / Extend), your pending requests, and what waits on you. */
export function homeView(input: HomeInput): Message {
  const parts: MessagePart[] = [{ kind: 'header', text: 'eks-access' }, ...homeLinkParts(input.link)];
  parts.push({ kind: 'text', text: [strong('Your active access')] });
  if (input.grants.length === 0) parts.push({ kind: 'context', text: 'None right now.' });
  for (const grant of input.grants.slice(0, HOME_ITEMS_PER_LIST)) {
    parts.push({ kind: 'text', text: grantLine(grant, input) });
    parts.push({
      kind: 'buttons',
      buttons: [
        { action: ACTIONS.done, label: 'Revoke', value: grant.id, style: 'danger' },
        { action: ACTIONS.extend, label: 'Extend', value: grant.id },
      ],
    });
  }
  parts.push(...andMore(input.grants.length - HOME_ITEMS_PER_LIST, 'active grants'));
  parts.push({ kind: 'text', text: [strong('Your pending requests')] });
  if (input.pending.length === 0) parts.push({ kind: 'context', text: 'None.' });
  for (const request of input.pending.slice(0, HOME_CANCELLABLE)) {
    parts.push({ kind: 'text', text: requestLine(request) });
    parts.push({ kind: 'buttons', buttons: [{ action: ACTIONS.cancel, label: 'Cancel', value: request.id }] });
  }
  const listed = input.pending.slice(HOME_CANCELLABLE);
  if (listed.length > 0) {
    parts.push({
      kind: 'text',
      text: linesWithin(
        listed.map((r) => rich`• ${requestLine(r)}`),
        HOME_SECTION_TEXT_MAX,
      ),
    });
  }
  if (input.isApprover) {
    parts.push({ kind: 'text', text: [strong('Waiting for your approval')] });
    if (input.waiting.length === 0) parts.push({ kind: 'context', text: 'Nothing waits on you.' });
    for (const request of input.waiting.slice(0, HOME_ITEMS_PER_LIST)) {
      parts.push({ kind: 'text', text: rich`${requestLine(request)}, asked by ${person(request.requester)}` });
      parts.push({
        kind: 'buttons',
        buttons: [
          {
            // The step-up modal opens from this button too; a plain Approve on such a request would be refused.
            action: input.needsStepUp?.(request) ? ACTIONS.approveStepUp : ACTIONS.approve,
            label: 'Approve',
            value: request.id,
            style: 'primary',
          },
          { action: ACTIONS.deny, label: 'Deny', value: request.id, style: 'danger' },
        ],
      });
    }
    parts.push(...andMore(input.waiting.length - HOME_ITEMS_PER_LIST, 'requests waiting on you'));
  }
  parts.push({
    kind: 'context',
    text: rich`Updated ${utcMinute(input.now)}. Ask me ${code('status')} or ${code('help')} in a DM.`,
  });
  return { text: 'eks-access', parts: parts.slice(0, HOME_MAX_BLOCKS) };
}

function grantLine(grant: AccessRequest, input: HomeInput): Rich {
  const whom = grant.subject === input.user ? '' : rich` for ${person(grant.subject)}`;
  const ends = grant.outcome?.expiresAt;
  return rich`${strong(grant.level)} on ${cluster(grant.cluster)}${whom}: ${timeLeft(ends, input.now)}${ends ? ` (ends ${utcMinute(ends)})` : ''} · ${code(grant.id)}`;
}

function requestLine(request: AccessRequest): Rich {
  const scope = request.namespaces.length > 0 ? rich` in ${join(request.namespaces.map(code), ', ')}` : '';
  const reason = request.reason ? rich` — ${said(request.reason, 120)}` : '';
  return rich`${strong(request.level)} on ${cluster(request.cluster)}${scope} for ${person(request.subject)} · ${code(request.id)}${reason}`;
}

function andMore(hidden: number, what: string): MessagePart[] {
  return hidden > 0 ? [{ kind: 'context', text: `…and ${hidden} more ${what}.` }] : [];
}

/**
 * Joins lines until the next would pass `max` characters, then says how many were left out. Lengths are counted
 * on the plain text (markup adds a few characters per span; the callers keep a margin below the platform limit).
 */
export function linesWithin(lines: readonly Text[], max: number): Rich {
  const kept: Text[] = [];
  let length = 0;
  for (const [i, line] of lines.entries()) {
    const suffix = `\n…and ${lines.length - i} more`;
    const size = plainText(line).length;
    if (length + size + 1 + suffix.length > max) return rich`${joinLines(kept)}${suffix}`;
    kept.push(line);
    length += size + 1;
  }
  return joinLines(kept);
}
