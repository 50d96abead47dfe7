/**
 * A neutral message: request logic builds these, the Slack adapter renders them as Block Kit
 * (and a terminal renderer could print them). Text parts use Slack mrkdwn conventions
 * (*bold*, `code`, <@U…> mentions); anything a user typed goes through `escapeUserText` first.
 */
export interface Message {
  /** Plain fallback for notifications and screen readers. */
  text: string;
  parts: readonly MessagePart[];
  requestId?: string;
  /**
   * Who posted it and why (postOnce's owner and key), carried as Slack message metadata: after an uncertain post
   * (a 5xx or a dropped connection, when Slack may have posted it anyway) the message is looked up by it instead
   * of being posted twice.
   */
  tag?: MessageTag;
}

export interface MessageTag {
  owner: string;
  key: string;
}

export type MessagePart =
  | { kind: 'header'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'fields'; fields: readonly { label: string; value: string }[] }
  | { kind: 'buttons'; buttons: readonly Button[] }
  | { kind: 'context'; text: string };

export const ACTIONS = {
  approve: 'eks_access_approve',
  deny: 'eks_access_deny',
  /** From a diagnosis whose fix is access: opens a prefilled request; the value is the cluster name. */
  requestAccess: 'eks_access_request',
  /** Runs the diagnosis for the clicker; the value is the cluster name. */
  diagnose: 'eks_access_diagnose',
  /** After a mode migration: move aws-auth items to access entries; the value is the migration's request id. */
  migrateEntries: 'eks_access_migrate_entries',
  /** Ends a granted request early; the value is the request id. */
  done: 'eks_access_done',
  /** On the reminder before expiry: asks for the same access again (same approval rules); value: request id. */
  extend: 'eks_access_extend',
  /** Approve on a step-up level (cluster-admin or `stepUpLevels`): opens the retype-the-cluster-name modal. */
  approveStepUp: 'eks_access_approve_step_up',
  /** On the requester's "request received" reply: withdraws a pending request; value: request id. */
  cancel: 'eks_access_cancel',
  /** On a break-glass card: an approver acknowledges the post-hoc review; value: request id. */
  acknowledgeReview: 'eks_access_ack_review',
} as const;

/** Modal callback ids: the deny reason and the step-up confirmation. */
export const VIEWS = {
  denyReason: 'eks_access_deny_reason',
  stepUp: 'eks_access_step_up',
} as const;
export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];

export interface Button {
  action: ActionId;
  label: string;
  /** Only an id: the worker reads everything else from the stored request, so edited payloads change nothing. */
  value: string;
  style?: 'primary' | 'danger';
}
