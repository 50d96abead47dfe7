import type { IdentitySource } from '../identity/person-identity.ts';
import { asChannelId, type PersonId, type PrincipalArn, type RequestId } from '../ids.ts';
import type { Level } from '../levels.ts';
import type { AccessRequest, RequestKind } from './request.ts';

/** What every new request records, whichever way it was filed (a request, an Extend, a break-glass). */
export interface NewRequestFields {
  id: RequestId;
  kind: RequestKind;
  requester: PersonId;
  subject: PersonId;
  principalArn: PrincipalArn;
  /** One person's session on a shared role, with where the identity came from (see AccessRequest). */
  session?: string | undefined;
  identitySource?: IdentitySource | undefined;
  cluster: string;
  level: Level;
  namespaces: readonly string[];
  reason?: string | undefined;
  /** The duration the grant will get, and what was asked when it was above the maximum. */
  duration: { durationMs: number; cappedFromMs?: number | undefined };
  conversation: { channel: string; threadTs?: string | undefined };
}

/** A request as first stored: pending, version 1, no approvals. Optional facts are left out rather than undefined. */
export function newPendingRequest(fields: NewRequestFields, now: number): AccessRequest {
  return {
    id: fields.id,
    version: 1,
    ...(fields.kind !== 'grant' ? { kind: fields.kind } : {}),
    requester: fields.requester,
    subject: fields.subject,
    principalArn: fields.principalArn,
    ...(fields.session ? { session: fields.session } : {}),
    ...(fields.identitySource && fields.identitySource !== 'users' ? { identitySource: fields.identitySource } : {}),
    cluster: fields.cluster,
    level: fields.level,
    namespaces: [...fields.namespaces],
    ...(fields.reason ? { reason: fields.reason } : {}),
    durationMs: fields.duration.durationMs,
    ...(fields.duration.cappedFromMs ? { requestedDurationMs: fields.duration.cappedFromMs } : {}),
    status: 'pending',
    approvals: [],
    channel: asChannelId(fields.conversation.channel),
    threadTs: fields.conversation.threadTs ?? '',
    createdAt: now,
    updatedAt: now,
  };
}
