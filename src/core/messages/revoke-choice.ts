import { timeLeft } from '../access/time-left.ts';
import type { AccessRequest } from '../request/request.ts';
import { ACTIONS, type Message } from './message.ts';
import { plainReply } from './request-messages.ts';
import { cluster, person, rich } from './rich.ts';

/** "revoke" / "I'm done" with no cluster and nothing active: says so instead of asking which cluster. */
export function nothingToRevokeReply(subject: string, isSelf: boolean): Message {
  const text = isSelf
    ? 'Nothing to revoke: you have no active eks-access grant.'
    : rich`Nothing to revoke: ${person(subject)} has no active eks-access grant.`;
  return { text, parts: [{ kind: 'text', text }] };
}

/**
 * Several active grants and no cluster named: one "I'm done" button per grant (cluster, level, time left). Each
 * carries only the request id; the click is checked again (endFromButton), so a forwarded message ends nothing.
 */
export function revokeChoiceReply(
  subject: string,
  isSelf: boolean,
  grants: readonly AccessRequest[],
  now: number,
): Message {
  const whose = isSelf ? 'You have' : rich`${person(subject)} has`;
  const text = rich`${whose} ${grants.length} active grants. Which one should end?`;
  const buttons = grants.map((grant) => ({
    action: ACTIONS.done,
    label: `End ${grant.level} on ${grant.cluster} (${timeLeft(grant.outcome?.expiresAt, now)})`,
    value: grant.id,
    style: 'danger' as const,
  }));
  return {
    text,
    parts: [
      { kind: 'text', text },
      { kind: 'buttons', buttons },
    ],
  };
}

/** "revoke X" for someone with nothing active there; `isMapped`: the person has an IAM identity configured. */
export function nothingToRevokeOnReply(subject: string, clusterName: string, isMapped: boolean): Message {
  return plainReply(
    rich`Nothing to revoke: ${person(subject)} has no active eks-access grant on ${cluster(clusterName)}${isMapped ? '' : ' (and is not mapped)'}.`,
  );
}

/** "revoke X" answered where no grant notice was posted (the notices went to each request's thread). */
export function revokedReply(count: number, subject: string, clusterName: string): Message {
  return plainReply(
    rich`Revoked ${count} grant(s) of ${person(subject)} on ${cluster(clusterName)}; the evidence is in each request's thread. Tokens already issued stay valid for up to 15 minutes.`,
  );
}

/** An approver's "revoke @someone" without a cluster: asked first, so nothing about that person is said yet. */
export function whichClusterToRevokeReply(subject: string): Message {
  return plainReply(rich`Which cluster? Say \`revoke ${person(subject)} on <cluster>\`.`);
}
