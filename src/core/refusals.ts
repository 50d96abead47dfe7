import type { PersonId } from './ids.ts';
import type { RequestStatus } from './request/request.ts';

/** Normal "no" outcomes. Each carries what a person needs to act; `describeRefusal` words them. */
export type Refusal =
  | { code: 'unknown_cluster'; given: string; closest?: string; available: readonly string[] }
  /**
   * No identity source knows the person: not in `users`, no `identity.sso` role for the cluster's account
   * (`accountId`, when a cluster was named), no link proved in that account.
   */
  | { code: 'unmapped_user'; user: PersonId; askWhom: readonly PersonId[]; accountId?: string }
  /**
   * `identity.sso` covers the cluster's account, but the person's Slack profile gives no session name: no email,
   * or one that is not a valid STS session name. `users` or a `link` would still work.
   */
  | {
      code: 'sso_identity_unavailable';
      user: PersonId;
      accountId: string;
      reason: 'no_email' | 'invalid_session';
      askWhom: readonly PersonId[];
    }
  /**
   * Lock-out recovery gives cluster-admin through an access policy on the principal; for a session on a shared
   * role that principal is the role, so everyone who signs in to it would become cluster-admin.
   */
  | { code: 'recovery_needs_own_principal'; user: PersonId; roleArn: string }
  /** The chat says the person is deactivated, or a bot: never resolved to an AWS identity. */
  | { code: 'inactive_person'; user: PersonId; reason: 'deactivated' | 'bot' }
  | { code: 'not_an_approver'; approvers: readonly PersonId[] }
  | { code: 'self_approval' }
  | { code: 'already_approved_by_you' }
  | { code: 'already_decided'; status: RequestStatus }
  | { code: 'unknown_request' }
  /** Extend on a request that is not an active grant (pending, denied, ended…): extending it would file anew. */
  | { code: 'not_extendable'; status: RequestStatus }
  | { code: 'stale_card' }
  | { code: 'invalid_principal'; reason: string }
  | { code: 'approvals_no_longer_valid'; needed: number; valid: number }
  | { code: 'wrong_authentication_mode'; cluster: string; mode: string }
  | { code: 'needs_two_approvers'; cluster: string; approvers: number }
  | { code: 'mode_already_migrated'; cluster: string; mode: string }
  /** `subject`: set when the request is for someone else, who may cancel it too. */
  | { code: 'not_the_requester'; requester: PersonId; subject?: PersonId }
  /** Asking for someone else without being an approver or listed under `requestForOthers` (ids may be groups). */
  | {
      code: 'request_for_others_not_allowed';
      cluster: string;
      subject: PersonId;
      approvers: readonly string[];
      listed: readonly string[];
    }
  | { code: 'step_up_required'; cluster: string }
  | { code: 'step_up_mismatch'; cluster: string }
  | { code: 'no_pending_request'; cluster: string }
  | {
      code: 'break_glass_refused';
      cluster: string;
      reason: 'not_configured' | 'not_allowed' | 'needs_reason' | 'only_for_yourself';
    }
  | { code: 'not_break_glass' }
  | { code: 'review_already_acknowledged'; by: PersonId }
  /** aws-auth maps the principal as a node (or to another `system:` group); an access entry would override it. */
  | { code: 'node_entry_protected'; cluster: string; principalArn: string; reason: string }
  /** aws-auth maps the principal to `system:masters`; an access entry would replace cluster-admin with less. */
  | { code: 'aws_auth_cluster_admin'; cluster: string; principalArn: string }
  /** The person's IAM identity lives in another AWS partition than the cluster (e.g. `aws` for a China cluster). */
  | {
      code: 'partition_mismatch';
      cluster: string;
      principalArn: string;
      principalPartition: string;
      clusterPartition: string;
    };
