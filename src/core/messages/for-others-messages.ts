import { formatDuration } from '../intent/duration.ts';
import type { AccessRequest } from '../request/request.ts';
import { ACTIONS, type Message, type MessagePart } from './message.ts';
import { plainReply, resolutionLine, scopeText, summary } from './request-messages.ts';
import { code, icon, join, link, person, place, type Rich, rich, said, type Text } from './rich.ts';

/**
 * Where a request was asked, when the person it is for can follow it there: a shared conversation (`place`, its
 * id) and, when known, a link to the bot's reply in it. The chat front end's use case decides (a Slack channel is
 * shared; a slash command or a DM with the bot lives in the requester's own DM, which the subject cannot open).
 */
export interface SharedPlace {
  place: string;
  link?: string | undefined;
}

function whereAsked(asked: SharedPlace | undefined): Rich {
  if (!asked) return [' in their direct messages with me'];
  return asked.link
    ? rich` in ${link(asked.link, 'this message')} in ${place(asked.place)}`
    : rich` in ${place(asked.place)} (the bot answers in the thread of that message)`;
}

/**
 * The DM to the person a request was filed for, by someone else: who asked, for what, where, and a Cancel
 * button while it is pending (they may refuse access they did not ask for). Re-rendered without the button once
 * the request is decided.
 */
export function requestedForYouNotice(request: AccessRequest, approvalWhere?: Text, asked?: SharedPlace): Message {
  const duration = request.durationMs ? `, ${formatDuration(request.durationMs)}` : '';
  const reason = request.reason ? rich` Reason given: ${said(request.reason)}.` : '';
  const head = rich`${icon('notice')} ${person(request.requester)} asked for ${summary(request)} (${scopeText(request)}${duration})${whereAsked(asked)}. Request ${code(request.id)}.${reason}`;
  if (request.status !== 'pending') {
    const approvedBy = join(
      request.approvals.map((a) => person(a.by)),
      ', ',
    );
    return {
      text: head,
      parts: [
        { kind: 'text', text: head },
        { kind: 'context', text: resolutionLine(request, approvedBy) },
      ],
      requestId: request.id,
    };
  }
  const text = rich`${head} Approvers decide${approvalWhere ? ` in ${approvalWhere}` : ''}; you cannot approve it yourself. If you do not want this access, cancel it: nothing is granted and approvers can no longer act on it.`;
  const cancel: MessagePart = {
    kind: 'buttons',
    buttons: [{ action: ACTIONS.cancel, label: 'Cancel request', value: request.id, style: 'danger' }],
  };
  return { text, parts: [{ kind: 'text', text }, cancel], requestId: request.id };
}

/** Appended to the "waiting for approval" reply when the level is auto-approved but the request is for another. */
export function forSomeoneElseNote(request: AccessRequest): Rich {
  return rich`No automatic approval: it is for ${person(request.subject)}, not for you, so a person must approve.`;
}

/** A plain-text `@name` (not a mention) that matched nobody (`matches` 0) or several people: never guessed. */
export function unknownNameReply(name: string, matches: number): Message {
  return plainReply(
    matches === 0
      ? `I couldn't find @${name} — mention them so Slack links the name.`
      : `@${name} matches several people — mention them so Slack links the name.`,
  );
}
