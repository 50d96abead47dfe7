export type AuditEventType =
  | 'requested'
  | 'approved'
  | 'denied'
  | 'refused'
  | 'applying'
  | 'granted'
  | 'failed'
  | 'aws_call'
  | 'diagnosed'
  | 'mode_switch'
  | 'migrated_entries'
  | 'recovered'
  | 'aws_auth_write'
  | 'aws_auth_restore'
  | 'expired'
  | 'revoked'
  | 'cancelled'
  | 'lapsed'
  | 'reminded'
  | 'break_glass'
  | 'break_glass_acknowledged'
  | 'redriven'
  /** A bot grant whose entry, policy or aws-auth item was removed outside the bot; the grant is ended. */
  | 'drift'
  /** The configured audit retention removed stream entries older than `detail.before`. */
  | 'audit_trimmed'
  /** A person proved an AWS identity with `link` (principal and session in `detail`; never the token). */
  | 'identity_linked'
  /** A person removed their `link`. */
  | 'identity_unlinked';

export interface AuditEvent {
  type: AuditEventType;
  at: number;
  actor: string;
  requestId?: string;
  cluster?: string;
  /** Flat strings only; never tokens or credentials. */
  detail?: Record<string, string>;
}

/** Append-only. A failed append throws, and changes that need the record are not made (fail closed). */
export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
}

/** An audit event as read back, with the stream id Redis gave it (time-ordered, unique). */
export interface StoredAuditEvent extends AuditEvent {
  id: string;
}

/** Reading the audit trail, and the one sanctioned deletion: the configured retention. */
export interface AuditTrail {
  /** The newest `limit` events about this cluster, newest first (scans a bounded number of recent events). */
  recentFor(cluster: string, limit: number): Promise<StoredAuditEvent[]>;
  /** Removes events older than `before` (epoch ms; XTRIM MINID); returns how many went. */
  trimBefore(before: number): Promise<number>;
}
