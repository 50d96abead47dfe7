import type { IdentitySource } from '../identity/person-identity.ts';
import type { ChannelId, PersonId, PrincipalArn, RequestId } from '../ids.ts';
import type { Level } from '../levels.ts';
import type { AccessScope } from '../plan/access-entries.ts';
import type { AwsAuthPrior } from '../plan/aws-auth-prior.ts';
import type { PriorEntryRecord } from '../plan/entry-state.ts';

/**
 * What an approved request does. `grant`: an access entry for a level. `migrate`: the one-way switch from
 * CONFIG_MAP to API_AND_CONFIG_MAP. `recover`: break a lock-out with a cluster-admin access entry for a named
 * admin, switching the mode first when needed. The last two need two distinct approvers.
 */
export const REQUEST_KINDS = ['grant', 'migrate', 'recover'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const REQUEST_STATUSES = [
  'pending',
  'approved',
  'applying',
  'granted',
  'failed',
  'denied',
  'expired',
  'revoked',
  /** Withdrawn by the requester (or the person it is for) while pending. */
  'cancelled',
  /** Nobody decided before the cluster's `pendingTimeout`: distinct from `expired`, which ends a grant. */
  'lapsed',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export interface Approval {
  by: PersonId;
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
  /** For migrations: what was done, in a sentence (there is no principal or policy). */
  summary?: string;
  /** How the grant was made, so the revoke undoes it the same way. Absent: access entries. */
  method?: 'access-entries' | 'aws-auth';
  /** When the grant ends by itself (epoch ms): the duration counts from the verified grant, not the request. */
  expiresAt?: number;
  /**
   * aws-auth grants: the RBAC bindings (by group and namespace) eks-access made for this grant or for an active
   * grant it overlapped; the last grant needing one deletes it. Bindings that existed before are not listed.
   */
  awsAuthBindings?: readonly { group: string; namespace?: string }[];
  /**
   * Per-person grants on a shared role (`session` set): the Kubernetes username the role's access entry or aws-auth
   * item renders for that session, which the bindings name.
   */
  sessionUsername?: string;
  /**
   * Per-person grants: the RBAC bindings of `sessionUsername` to the level's ClusterRole that eks-access made for
   * this grant or shares with another active grant; the last grant needing one deletes it. Bindings that existed
   * before are not listed.
   */
  sessionBindings?: readonly SessionBindingRecord[];
  /**
   * Per-person grants: the role's access entry or aws-auth item was created by eks-access (for this grant or an
   * active one it shares it with), so the last grant using it removes it. False: it was there before; left alone.
   */
  createdRoleEntry?: boolean;
}

/** One RBAC binding a per-person grant made: a ClusterRoleBinding, or a RoleBinding in `namespace`. */
export interface SessionBindingRecord {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace?: string;
  clusterRole: string;
}

/** How a grant ended, and what the revoke saw when it checked. */
export interface EndInfo {
  /** `drift`: what the grant added was removed outside eks-access; the request ends as `revoked`. */
  reason: 'expired' | 'revoked' | 'drift';
  by?: string;
  at: number;
  evidence: readonly string[];
  /**
   * Fields the grant touched that someone else changed during it: left as they are for a person to decide.
   * Absent when there were none (and on requests ended before this existed).
   */
  leftForPerson?: readonly string[];
  /** The end gave back the state recorded before the grant (access entries with a prior record). */
  isRestore?: boolean;
}

/** The aws-auth change an approver sees on the card, computed when the request is filed. */
export type AwsAuthPreviewInfo =
  | { lines: readonly string[]; checks: readonly string[]; isSafe: boolean }
  | { unavailable: string };

/** The card's note on aws-auth precedence, computed when the request is filed (the executor checks again). */
export interface EntryPrecedenceInfo {
  /** Slack mrkdwn, already escaped. */
  text: string;
  isRefused: boolean;
}

/** What the principal had before the bot touched anything; captured once, before the first change. */
export interface PreState {
  hadEntryBefore: boolean;
  hadPolicyBefore: boolean;
  /**
   * Access entries: the exact entry and policies (with scopes) before the first eks-access grant of an overlapping
   * run. Absent on requests stored before it existed, on aws-auth grants and migrations: the end then uses the two
   * booleans above (the old behaviour).
   */
  prior?: PriorEntryRecord;
  /** aws-auth grants: the principal's item before the first grant, byte for byte, which the last end restores. */
  awsAuth?: AwsAuthPrior;
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
  /** Absent on requests stored before kinds existed: a grant. */
  kind?: RequestKind;
  requester: PersonId;
  subject: PersonId;
  /**
   * The principal as resolved when the request was filed (`users`, `identity.sso` or a link); the executor resolves
   * it to the IAM ARN EKS wants. With `session`: the shared role the person signs in to.
   */
  principalArn: PrincipalArn;
  /**
   * Set when the grant is for one person's session on a shared role: the session name as they sign in. The grant
   * then binds only that session's Kubernetes username (RBAC); it never associates a policy with the role.
   */
  session?: string;
  /** Where the identity came from (absent on requests filed before identity sources: `users`). */
  identitySource?: IdentitySource;
  cluster: string;
  level: Level;
  namespaces: readonly string[];
  reason?: string;
  durationMs?: number;
  /** What was asked when it was above the level's maximum (the grant gets the maximum). */
  requestedDurationMs?: number;
  status: RequestStatus;
  approvals: readonly Approval[];
  denial?: { by: PersonId; at: number; reason?: string };
  /** Where the conversation lives: the requester's channel and the thread the bot answers in. */
  channel: ChannelId;
  threadTs: string;
  createdAt: number;
  updatedAt: number;
  preState?: PreState;
  awsAuthPreview?: AwsAuthPreviewInfo;
  /** The UpdateClusterConfig call already made (it is not idempotent), so a resumed job only waits for it. */
  modeUpdate?: { id: string; to: string; startedAt: number };
  outcome?: GrantOutcome;
  ended?: EndInfo;
  failure?: FailureInfo;
  /** Who withdrew the request while it was pending (the requester or the subject), and when. */
  cancelled?: { by: PersonId; at: number };
  /** When the request lapsed undecided (its `pendingTimeout` passed). */
  lapsedAt?: number;
  /** API_AND_CONFIG_MAP: what aws-auth maps for the principal and what the access entry will keep (or refuse). */
  entryPrecedence?: EntryPrecedenceInfo;
  /** What the principal already holds on the cluster, gathered when the request was filed, for the card. */
  currentAccess?: CurrentAccessInfo;
  /** Approved by the cluster's `autoApprove` rule, not by a person; `allowance` is what was left after it. */
  autoApproval?: AutoApprovalInfo;
  /** Granted at once by break-glass; an approver acknowledges the post-hoc review. */
  breakGlass?: BreakGlassInfo;
}

/**
 * The requester's access on the cluster beside the change: the bot's own active grants, and the EKS access entry's
 * associated policies. `entry` is `unknown` (with why) when AWS did not answer: never guessed.
 */
export interface CurrentAccessInfo {
  grants: readonly { id: string; level: string; expiresAt?: number }[];
  entry:
    | { kind: 'none' }
    | {
        kind: 'present';
        /** `accessScope`: the scope itself, for the card's restore preview (absent on older requests). */
        policies: readonly { policyArn: string; scope: string; accessScope?: AccessScope }[];
      }
    | { kind: 'unknown'; reason: string }
    /** The grant goes through aws-auth: access entries were not looked up (the card shows the aws-auth diff). */
    | { kind: 'aws-auth' };
}

export interface AutoApprovalInfo {
  at: number;
  allowance?: { left: number; of: number; periodMs: number };
}

export interface BreakGlassInfo {
  at: number;
  acknowledged?: { by: PersonId; at: number };
  /** Daily reminders posted so far while the review is unacknowledged. */
  reminders?: number;
}

export function kindOf(request: Pick<AccessRequest, 'kind'>): RequestKind {
  return request.kind ?? 'grant';
}

/** Mode changes and lock-out recovery are exceptional and one-way: never fewer than two people decide. */
export const ADMIN_ACTION_MIN_APPROVALS = 2;
