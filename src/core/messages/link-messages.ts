import { utcMinute } from '../access/time-left.ts';
import type { LinkTokenRefusalCode } from '../identity/link-token.ts';
import { ACTIONS, type Message, type MessagePart } from './message.ts';
import { code, foreignCode, icon, type Rich, rich } from './rich.ts';

/** The command people run; its output is what they paste. */
export const LINK_COMMAND = 'aws eks get-token --cluster-name eks-access-link --output json';

/** What a link shows: the principal, the session for roles, and the end. Never the token. */
export interface LinkShown {
  principalArn: string;
  session?: string | undefined;
  expiresAt: number;
}

function reply(text: Rich, extra: readonly MessagePart[] = []): Message {
  return { text, parts: [{ kind: 'text', text }, ...extra] };
}

function howTo(): MessagePart {
  return {
    kind: 'code',
    title: 'Run this with the AWS profile you use for kubectl, then send me `link` and what it printed, in this DM:',
    lines: [LINK_COMMAND],
  };
}

export function linkedLine(link: LinkShown): Rich {
  const session = link.session ? rich` (session ${foreignCode(link.session)})` : '';
  return rich`${foreignCode(link.principalArn)}${session} until ${utcMinute(link.expiresAt)}`;
}

export function linkedReply(link: LinkShown): Message {
  return reply(rich`${icon('ok')} Linked you to ${linkedLine(link)}; unlink with ${code('unlink')}.`);
}

/** `link` with nothing after it: how to make the token. */
export function linkHowToReply(): Message {
  return reply(
    rich`To prove which AWS identity you sign in as, paste me a token made for ${code('eks-access-link')}.`,
    [howTo()],
  );
}

const REFUSAL_WORDS: Record<LinkTokenRefusalCode, string> = {
  malformed: 'That is not a token I can read',
  not_sts_host: 'That token is not for an AWS STS endpoint, so I did not use it',
  wrong_action: 'That token is not an STS GetCallerIdentity token',
  header_not_signed: 'That token was not made for eks-access-link',
  expired: 'That token has expired',
  future_dated: 'That token is dated in the future',
};

/** A token the local checks refused; `detail` comes from the check and never holds the token. */
export function linkRefusedReply(refusal: { code: LinkTokenRefusalCode; detail: string }): Message {
  return reply(rich`${icon('denied')} ${REFUSAL_WORDS[refusal.code]}: ${refusal.detail}. Nothing was linked.`, [
    howTo(),
  ]);
}

export function linkReusedReply(): Message {
  return reply(
    rich`${icon('denied')} That token was already used. Each token links once: make a new one and paste it. Nothing was changed.`,
    [howTo()],
  );
}

export function linkNotAcceptedReply(): Message {
  return reply(
    rich`${icon('denied')} The token was not accepted by STS (expired, for another cluster name, or altered). Nothing was linked.`,
    [howTo()],
  );
}

export function linkUnavailableReply(): Message {
  return reply(
    rich`${icon('failed')} I could not reach AWS STS to check the token, so nothing was linked. Make a new token and try again in a minute.`,
  );
}

/** STS vouched for an identity that cannot be linked (the account root, a federated user, an unknown shape). */
export function linkUnsupportedReply(callerArn: string, why: string): Message {
  return reply(
    rich`${icon('denied')} STS says the token is from ${foreignCode(callerArn)}, which ${why}. Nothing was linked.`,
  );
}

/** A token posted where others can read it: not used, and burned so nobody else can use it either. */
export function linkInChannelReply(burned: boolean): Message {
  const burnt = burned ? ' I marked it as used, so nobody can link with it.' : '';
  return reply(
    rich`${icon('warning')} I did not use the token you posted here: send it to me in a direct message, or with ${code('/eks link <token>')}.${burnt} A token expires within 15 minutes of being made; you can delete the message.`,
  );
}

export function linkTooLongReply(): Message {
  return reply(
    rich`${icon('denied')} That message is too long for me to read whole. Paste only the token (the ${code('k8s-aws-v1.')} text), not the whole JSON. Nothing was linked.`,
  );
}

export function unlinkedReply(link: LinkShown | undefined): Message {
  if (!link) return reply(rich`You had no linked identity; nothing was changed.`);
  return reply(rich`${icon('ok')} Unlinked you from ${foreignCode(link.principalArn)}.`);
}

/** The App Home line, with its Unlink button (the value is unused: the clicker is the person unlinked). */
export function homeLinkParts(link: LinkShown | undefined): MessagePart[] {
  if (!link) return [];
  return [
    { kind: 'text', text: rich`Linked as ${linkedLine(link)}` },
    { kind: 'buttons', buttons: [{ action: ACTIONS.unlink, label: 'Unlink', value: 'link' }] },
  ];
}
