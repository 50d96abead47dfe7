import type { ChannelId, ClusterName, PrincipalArn, RequestId, SlackUserId } from '../ids.ts';
import type { Level } from '../levels.ts';

export const REQUEST_STATUSES = ['pending', 'approved', 'applying', 'granted', 'failed', 'denied'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export interface Approval {
  by: SlackUserId;
  at: number;
}

/** What the executor found and did; written once when the request ends. */
export interface GrantOutcome {
  principalArn: PrincipalArn;
  policyArn: string;
  /** The principal already had an access entry the bot did not create; revoke must leave it. */
  hadEntryBefore: boolean;
  /** The same policy was already associated before this grant. */
  hadPolicyBefore: boolean;
  verifiedAt: number;
}

/** What the principal had before the bot touched anything; captured once, before the first change. */
export interface PreState {
  hadEntryBefore: boolean;
  hadPolicyBefore: boolean;
}

export interface FailureInfo {
  /** A sentence for people; no secrets, no stack traces. */
  message: string;
  code: string;
  at: number;
}

/** A grant request as stored; `version` increases by one on every compare-and-set. */
export interface AccessRequest {
  id: RequestId;
  version: number;
  requester: SlackUserId;
  subject: SlackUserId;
  /** The principal as configured in `users`; the executor resolves it to the IAM ARN EKS wants. */
  principalArn: PrincipalArn;
  cluster: ClusterName;
  level: Level;
  namespaces: readonly string[];
  reason?: string;
  durationMs?: number;
  status: RequestStatus;
  approvals: readonly Approval[];
  denial?: { by: SlackUserId; at: number; reason?: string };
  /** Where the conversation lives: the requester's channel and the thread the bot answers in. */
  channel: ChannelId;
  threadTs: string;
  createdAt: number;
  updatedAt: number;
  preState?: PreState;
  outcome?: GrantOutcome;
  failure?: FailureInfo;
}

export function isFinal(status: RequestStatus): boolean {
  return status === 'granted' || status === 'failed' || status === 'denied';
}
