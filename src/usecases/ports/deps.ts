import type { Settings } from '../../core/settings.ts';
import type { AuditLog, AuditTrail } from './audit.ts';
import type { AwsAuthGateways } from './aws-auth.ts';
import type { HomeTab, MessageLog, Notifier, People, UserGroups } from './chat.ts';
import type { Clock } from './clock.ts';
import type { DiagnosticsGateways } from './diagnostics.ts';
import type { ClusterGateways } from './eks.ts';
import type { IdentityLinks } from './identity.ts';
import type { LinkVerifier } from './link-verifier.ts';
import type { AutoApprovalQuota, Digests, JobQueue, RequestStore } from './requests.ts';

/** Everything a use case may touch; composed once per process by the runtime. */
export interface Deps {
  settings: Settings;
  clock: Clock;
  store: RequestStore;
  messages: MessageLog;
  notifier: Notifier;
  queue: JobQueue;
  gateways: ClusterGateways;
  diagnostics: DiagnosticsGateways;
  awsAuth: AwsAuthGateways;
  audit: AuditLog;
  auditTrail: AuditTrail;
  home: HomeTab;
  /** Timings from the environment and config; plain values, not services. */
  tuning: Tuning;
  userGroups: UserGroups;
  people: People;
  autoApprovals: AutoApprovalQuota;
  digests: Digests;
  identityLinks: IdentityLinks;
  /** Checks a `link` token with STS. */
  linkVerifier: LinkVerifier;
}

/** How long the bot waits before its reminders, digests and notes; set once from the environment and config. */
export interface Tuning {
  /** `audit.retention` from the config: events older than this are trimmed by the reconciler; absent: 400 days. */
  auditRetentionMs?: number;
  /** How long before expiry the person is reminded, with an Extend button (15 minutes unless configured). */
  reminderLeadMs: number;
  /** Back-off of the reminders to approvers who have not acted (1 h doubling to 8 h unless configured). */
  approverReminders?: { baseMs: number; capMs: number };
  /** Length of a digest window (policy approvals announced to approvers); default 30 s. */
  digestWindowMs?: number;
  /** After this long from approval a grant still being retried gets one "still working" note (default 30 s). */
  slowNoticeAfterMs?: number;
}
