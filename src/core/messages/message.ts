import type { Text } from './rich.ts';

/**
 * A neutral message: request logic builds these, and each chat front end renders them its own way (the Slack
 * adapter as Block Kit and mrkdwn, the terminal adapter as text). Text is rich text (`rich.ts`): typed spans for
 * people, clusters, code and status marks, never a platform's markup or ids.
 */
export interface Message {
  /** Plain fallback for notifications and screen readers. */
  text: Text;
  parts: readonly MessagePart[];
  requestId?: string;
  /**
   * Who posted it and why (postOnce's owner and key), carried with the message (Slack: message metadata): after an
   * uncertain post (a 5xx or a dropped connection, when the platform may have posted it anyway) the message is
   * looked up by it instead of being posted twice.
   */
  tag?: MessageTag;
}

export interface MessageTag {
  owner: string;
  key: string;
}

export type MessagePart =
  /** A heading, plain words only. */
  | { kind: 'header'; text: string }
  | { kind: 'text'; text: Text }
  | { kind: 'fields'; fields: readonly { label: string; value: Text }[] }
  /** Lines shown as they are, in a fixed-width block (a diff, a command), under a title. */
  | { kind: 'code'; title?: Text; lines: readonly string[]; foreign?: true }
  | { kind: 'buttons'; buttons: readonly Button[] }
  /** A quieter status line (counts, footnotes). */
  | { kind: 'context'; text: Text };

/** What a button asks for; each front end maps these to its own wire ids and back. */
export const ACTIONS = {
  approve: 'approve',
  deny: 'deny',
  /** From a diagnosis whose fix is access: opens a prefilled request; the value is the cluster name. */
  requestAccess: 'request-access',
  /** Runs the diagnosis for the clicker; the value is the cluster name. */
  diagnose: 'diagnose',
  /** After a mode migration: move aws-auth items to access entries; the value is the migration's request id. */
  migrateEntries: 'migrate-entries',
  /** Ends a granted request early; the value is the request id. */
  done: 'done',
  /** On the reminder before expiry: asks for the same access again (same approval rules); value: request id. */
  extend: 'extend',
  /** Approve on a step-up level (cluster-admin or `stepUpLevels`): asks the approver to retype the cluster name. */
  approveStepUp: 'approve-step-up',
  /** On the requester's "request received" reply: withdraws a pending request; value: request id. */
  cancel: 'cancel',
  /** On a break-glass card: an approver acknowledges the post-hoc review; value: request id. */
  acknowledgeReview: 'ack-review',
  /** On App Home: removes the clicker's `link`ed identity; the value is unused. */
  unlink: 'unlink',
} as const;

export type Action = (typeof ACTIONS)[keyof typeof ACTIONS];

export interface Button {
  action: Action;
  label: string;
  /** Only an id: the worker reads everything else from the stored request, so edited payloads change nothing. */
  value: string;
  style?: 'primary' | 'danger';
}
