import type { PersonId } from '../ids.ts';
import type { Level } from '../levels.ts';

/**
 * Who a grant or revoke is for: the person writing, a mentioned colleague, or a plain-text `@name` that Slack did
 * not link (`name` without the `@`), which the use case looks up in the workspace member list (I/O, not here).
 */
export type Subject = { kind: 'self' } | { kind: 'user'; userId: PersonId } | { kind: 'unresolved'; name: string };

/** What a person asked the bot for, before any policy or cluster lookup. */
export type Intent =
  | {
      kind: 'grant';
      subject: Subject;
      /** As spelled in the configuration when it matched a name or alias; otherwise the raw word. */
      cluster: string;
      level: Level;
      /** Lower-case DNS-1123 labels, optionally ending in `*`; empty means cluster scope. */
      namespaces: readonly string[];
      durationMs?: number;
      reason?: string;
      isBreakGlass: boolean;
    }
  /** Without `cluster` ("revoke", "I'm done"): the person's active grants decide (one ends, several are offered). */
  | { kind: 'revoke'; subject: Subject; cluster?: string }
  | { kind: 'diagnose'; cluster?: string; pastedArn?: string }
  | { kind: 'status' }
  | { kind: 'help' };

export type ParseFailureReason =
  | 'empty'
  | 'too_long'
  | 'unrecognized'
  | 'missing_cluster'
  | 'missing_level'
  | 'bad_duration'
  /** `for -5h`: a length of time below zero. */
  | 'negative_duration'
  /** `for 4h for 2h`: which one was meant is a guess, so it is asked. */
  | 'two_durations'
  /** `view on prod and staging`: one request is for one cluster. */
  | 'two_clusters'
  | 'bad_namespace';

/** `detail`, when present, is the offending fragment of the message, for quoting back. */
export interface ParseFailure {
  kind: 'failure';
  reason: ParseFailureReason;
  detail?: string;
}

export interface ParseContext {
  /** Cluster names and aliases from the configuration. */
  clusterNames: readonly string[];
  botUserId?: string;
}

/** Longer messages are refused as `too_long` before any other work. */
export const MAX_MESSAGE_CHARS = 4000;

/** Longest reason kept; the rest is cut. */
export const MAX_REASON_CHARS = 500;

/** Longest ARN picked out of a message (the IAM limit). */
export const MAX_ARN_CHARS = 2048;
