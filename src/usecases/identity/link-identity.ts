import { createHash } from 'node:crypto';
import { canonicalCallerArn } from '../../core/identity/canonical.ts';
import { isLinkTokenRefusal, parseLinkToken } from '../../core/identity/link-token.ts';
import type { PersonId } from '../../core/ids.ts';
import { MAX_MESSAGE_CHARS } from '../../core/intent/intent.ts';
import {
  linkedReply,
  linkHowToReply,
  linkInChannelReply,
  linkNotAcceptedReply,
  linkRefusedReply,
  linkReusedReply,
  linkTooLongReply,
  linkUnavailableReply,
  linkUnsupportedReply,
  unlinkedReply,
} from '../../core/messages/link-messages.ts';
import type { Message } from '../../core/messages/message.ts';
import { partitionOfCluster } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import type { LinkedIdentity } from '../ports/identity.ts';
import { homeOwner } from '../report/home-tab.ts';
import { recordAudit } from '../support/record-audit.ts';

/** `identity.linkTtl` when the config sets none. */
export const DEFAULT_LINK_TTL_MS = 30 * 24 * 3600_000;

type LinkDeps = Pick<Deps, 'identityLinks' | 'linkVerifier' | 'clock' | 'audit' | 'settings' | 'messages' | 'queue'>;

export interface LinkInput {
  person: PersonId;
  /** What followed `link` (or the whole message): a token, get-token's JSON, or nothing. */
  pasted: string;
  /** `channel`: posted where others can read it (a channel mention), so the token is not used. */
  where: 'private' | 'channel';
  /** The message's length as it arrived (the stored text is clipped just past the parser's limit). */
  length: number;
}

/**
 * `link <token>`: check the token locally, mark it used (by digest), ask STS who signed it, and link the person to
 * that identity for `identity.linkTtl`. Every refusal answers and changes nothing, except that a token seen in a
 * channel is marked used so nobody who read it there can link with it. The token is never stored, logged, audited
 * or quoted back: only its SHA-256 digest is kept, until the token expires.
 */
export async function linkIdentity(deps: LinkDeps, input: LinkInput): Promise<Message> {
  const { person } = input;
  const now = deps.clock.now();
  if (input.pasted.trim() === '') return linkHowToReply();
  if (input.length > MAX_MESSAGE_CHARS) return await refused(deps, person, 'too_long', linkTooLongReply());
  const token = parseLinkToken(input.pasted, { now, partitionOf: deps.linkVerifier.partitionOf });
  if (input.where === 'channel') {
    const burned =
      !isLinkTokenRefusal(token) && (await deps.identityLinks.claimToken(digestOf(token.token), token.expiresAt));
    return await refused(deps, person, 'token_in_channel', linkInChannelReply(burned));
  }
  if (isLinkTokenRefusal(token)) return await refused(deps, person, token.code, linkRefusedReply(token));
  // An identity is only of use in the partition of a cluster the bot serves (IAM principals do not cross them).
  const partitions = new Set(deps.settings.clusters.map(partitionOfCluster));
  if (partitions.size > 0 && !partitions.has(token.partition)) {
    const detail = `the token is for partition ${token.partition}, and no cluster here is in it`;
    return await refused(deps, person, 'not_sts_host', linkRefusedReply({ code: 'not_sts_host', detail }));
  }
  if (!(await deps.identityLinks.claimToken(digestOf(token.token), token.expiresAt))) {
    return await refused(deps, person, 'token_reused', linkReusedReply());
  }
  const verified = await deps.linkVerifier.verify(token);
  if (!verified.ok) {
    const reply = verified.reason === 'rejected' ? linkNotAcceptedReply() : linkUnavailableReply();
    return await refused(deps, person, `sts_${verified.reason}`, reply, { sts: verified.detail });
  }
  const canonical = canonicalCallerArn(verified.caller.arn);
  if (canonical.kind === 'invalid') {
    return await refused(deps, person, 'caller_unusable', linkUnsupportedReply(verified.caller.arn, canonical.reason));
  }
  if (canonical.principalType === 'root' || canonical.principalType === 'federated-user') {
    const why = 'is not an IAM user or role that EKS can map';
    return await refused(deps, person, 'caller_unusable', linkUnsupportedReply(verified.caller.arn, why));
  }
  const link: LinkedIdentity = {
    principalArn: canonical.arn,
    ...(canonical.principalType === 'role' && canonical.sessionName ? { session: canonical.sessionName } : {}),
    callerArn: verified.caller.arn,
    account: verified.caller.account,
    linkedAt: now,
    expiresAt: now + (deps.settings.identity?.linkTtl ?? DEFAULT_LINK_TTL_MS),
  };
  await deps.identityLinks.put(person, link);
  await recordAudit(deps, {
    type: 'identity_linked',
    actor: person,
    at: now,
    detail: {
      principalArn: link.principalArn,
      ...(link.session ? { session: link.session } : {}),
      callerArn: link.callerArn,
      account: link.account,
      expiresAt: new Date(link.expiresAt).toISOString(),
    },
  });
  await refreshHome(deps, person);
  return linkedReply(link);
}

/** `unlink`, or Unlink in App Home: removes the person's link (nothing else). */
export async function unlinkIdentity(deps: LinkDeps, person: PersonId): Promise<Message> {
  const link = await deps.identityLinks.get(person);
  const removed = await deps.identityLinks.remove(person);
  if (!removed) return unlinkedReply(undefined);
  await recordAudit(deps, {
    type: 'identity_unlinked',
    actor: person,
    detail: { principalArn: link?.principalArn ?? '', ...(link?.session ? { session: link.session } : {}) },
  });
  await refreshHome(deps, person);
  return unlinkedReply(link);
}

function digestOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

async function refused(
  deps: LinkDeps,
  person: PersonId,
  code: string,
  reply: Message,
  extra: Record<string, string> = {},
): Promise<Message> {
  await recordAudit(deps, { type: 'refused', actor: person, detail: { code: `link_${code}`, ...extra } });
  return reply;
}

async function refreshHome(deps: LinkDeps, person: PersonId): Promise<void> {
  if (await deps.messages.get(homeOwner(person), 'view')) await deps.queue.enqueueHomeRefresh(person);
}
