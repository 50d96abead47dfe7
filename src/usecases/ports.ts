import type {
  AccessEntryFacts,
  AwsAuthFacts,
  ClusterFacts,
  CreatorFacts,
  IamFacts,
} from '../core/diagnose/evidence.ts';
import type { ClusterSettings, Directory } from '../core/directory.ts';
import type { ChannelId, RequestId, SlackUserId } from '../core/ids.ts';
import type { DigestLine } from '../core/messages/digest-messages.ts';
import type { Message } from '../core/messages/message.ts';
import type { AccessScope, AssociatedPolicy } from '../core/plan/access-entries.ts';
import type { AwsAuthEdit, AwsAuthEditResult } from '../core/plan/aws-auth-fold.ts';
import type { PlannedBinding } from '../core/plan/aws-auth-grant.ts';
import type { AccessRequest } from '../core/request/request.ts';

/** Injected time, so use cases stay testable with a fixed clock. */
export interface Clock {
  now(): number;
}

export interface MessageRef {
  channel: string;
  ts: string;
  /** Of the content last posted or written to it; an update with the same content is skipped. */
  contentHash?: string;
}

/**
 * Stored requests. `compareAndSet` writes only when the stored version equals `expectedVersion`,
 * which is what makes five simultaneous Approve clicks produce one transition.
 */
export interface RequestStore {
  get(id: RequestId): Promise<AccessRequest | undefined>;
  /** False when a request with this id already exists (a retried job); nothing is overwritten. */
  create(request: AccessRequest): Promise<boolean>;
  compareAndSet(next: AccessRequest, expectedVersion: number): Promise<boolean>;
  /** Newest first, at most `limit`, requests where the user is requester or subject. */
  listForUser(user: SlackUserId, limit: number): Promise<AccessRequest[]>;
  /** Indexes a granted request by its expiry and by (cluster, principal), for expiry, overlap and the reconciler. */
  markActive(request: AccessRequest): Promise<void>;
  markEnded(request: AccessRequest): Promise<void>;
  /** Active grants whose expiry is at or before `at`, oldest first. */
  dueBefore(at: number, limit: number): Promise<RequestId[]>;
  /** Active grants on this cluster for this principal (its IAM ARN as granted). */
  activeFor(cluster: string, principalArn: string): Promise<AccessRequest[]>;
  /** Requests in `approved` or `applying` whose last change is at or before `before`, oldest first. */
  inFlightSince(before: number, limit: number): Promise<RequestId[]>;
  /**
   * The next `limit` active grants of a rotating window over all of them (a cursor kept in the store, wrapping
   * around), so a rate-bound drift check visits every grant over successive sweeps. Concurrent callers may see
   * overlapping windows; that only repeats a read-only check.
   */
  rotateActive(limit: number): Promise<AccessRequest[]>;
  /** Every active grant on this cluster (granted, indexed by markActive). */
  activeOn(cluster: string): Promise<AccessRequest[]>;
  /** Pending requests on this cluster, oldest first, at most `limit` (for the approvers' Home tab). */
  pendingOn(cluster: string, limit: number): Promise<AccessRequest[]>;
}

/**
 * Messages already posted, keyed by owner (a request or an inbound message) and purpose.
 * Slack has no idempotency key, so a retried job looks here before posting again.
 */
export interface MessageLog {
  get(owner: string, key: string): Promise<MessageRef | undefined>;
  /**
   * Before posting, in one round trip: the message already posted for (owner, key), if any. Otherwise the caller
   * holds the key while it posts (so two jobs never post the same message at once) and learns when an earlier
   * attempt began, if one did and never saved (it may have reached Slack). `busyForMs`: another job holds it.
   */
  claim(
    owner: string,
    key: string,
    at: number,
  ): Promise<{ ref?: MessageRef; attemptedAt?: number; busyForMs?: number }>;
  /** The attempt sent nothing (deferred before posting): as if it never began. */
  release(owner: string, key: string): Promise<void>;
  /** The attempt failed and may have posted: the next one may go at once, and looks first. */
  abandon(owner: string, key: string): Promise<void>;
  /** Records the posted message (and clears the attempt mark). */
  save(owner: string, key: string, ref: MessageRef): Promise<void>;
  list(owner: string): Promise<Record<string, MessageRef>>;
}

/** The chat platform, seen as five verbs. Throws AdapterError on platform failures. */
export interface Notifier {
  /**
   * Posts, paced per channel. With `mayExistSince` (an earlier attempt at that time may have reached Slack), the
   * channel or thread is searched for a message carrying the same `message.tag` first, and that one is returned.
   * Throws DeferredError when the channel's posting budget is spent for longer than a worker should wait.
   */
  post(
    target: { channel: string; threadTs?: string },
    message: Message,
    options?: { mayExistSince?: number },
  ): Promise<MessageRef>;
  update(ref: MessageRef, message: Message): Promise<void>;
  postEphemeral(target: { channel: string; user: SlackUserId; threadTs?: string }, message: Message): Promise<void>;
  openDm(user: SlackUserId): Promise<ChannelId>;
  /** A link to a message (chat.getPermalink; no scope needed). Undefined when Slack has no such message. */
  permalink(channel: string, ts: string): Promise<string | undefined>;
}

export interface JobQueue {
  /** Idempotent per request: the job id is derived from it, so duplicates collapse. */
  enqueueApply(requestId: RequestId): Promise<void>;
  /**
   * Runs the apply job again when none is waiting or running for the request (BullMQ failed it after too many
   * stalls, or it ended while the request was still in flight). False when a job is already on it.
   */
  redriveApply(requestId: RequestId): Promise<boolean>;
  /** A delayed job at `at` that ends the grant; idempotent per request. */
  enqueueExpiry(requestId: RequestId, at: number): Promise<void>;
  /** A delayed job at `at` that reminds the person their access is about to end, with an Extend button. */
  enqueueReminder(requestId: RequestId, at: number): Promise<void>;
  /** A delayed job at `at` that lapses the request if it is still pending; idempotent per request. */
  enqueueLapse(requestId: RequestId, at: number): Promise<void>;
  /** A delayed job at `at` for approver reminder `n` (1-based); idempotent per (request, n). */
  enqueueApproverReminder(requestId: RequestId, n: number, at: number): Promise<void>;
  /** A delayed job at `at` reminding approvers of an unacknowledged break-glass review; `round` keeps ids distinct. */
  enqueueReviewReminder(requestId: RequestId, at: number, round: number): Promise<void>;
  /**
   * Re-publishes the user's Home tab shortly. Coalesced per user over a short window, so a burst of changes (an
   * approver with many requests, thousands of expiries) costs one views.publish per user, not one per change.
   */
  enqueueHomeRefresh(user: SlackUserId): Promise<void>;
  /**
   * Re-renders the request's cards and "request received" reply shortly, coalesced per request: changes made
   * while one refresh waits are shown by that refresh, and one made while it runs gets one more.
   */
  enqueueCardRefresh(requestId: RequestId): Promise<void>;
  /** The digest job of (channel, window), run once at `at` (the window's end); idempotent per window. */
  enqueueDigest(channel: string, window: number, at: number): Promise<void>;
}

/** One line of a channel's digest of policy approvals, as stored until the window's digest is posted. */
export interface DigestItem extends DigestLine {
  /** When it was approved (epoch ms); the digest lists items in this order. */
  at: number;
}

/**
 * Announcements gathered per (channel, window) and posted as one message at the window's end, so a burst of
 * automatic approvals costs an approval channel one post per window, not one per request.
 */
export interface Digests {
  /** Idempotent per request id. Returns true when this is the window's first item (its job must be scheduled). */
  add(channel: string, window: number, item: DigestItem): Promise<boolean>;
  read(channel: string, window: number): Promise<DigestItem[]>;
}

/** Slack user groups (S…) named as approvers or break-glass people. Throws AdapterError when Slack cannot answer. */
export interface UserGroups {
  /** The group's member ids; cached briefly, so a change in Slack takes effect within minutes. Unknown group: []. */
  members(groupId: string): Promise<readonly SlackUserId[]>;
}

/**
 * The workspace member list (`users.list`), for a plain-text `@name` Slack did not turn into a mention. Cached
 * briefly; throws AdapterError when Slack cannot answer.
 */
export interface People {
  /** Active (not deleted, not bot) members whose username, display name or real name is `name`, any case. */
  findByName(name: string): Promise<readonly SlackUserId[]>;
}

/**
 * Per-person counters of automatic approvals over a rolling period; `user` is the subject (who gets access). `take` is atomic and idempotent per
 * `requestId`: it records the approval when fewer than `max` were taken in the last `periodMs` (or this request
 * already holds one), and returns how many were used before this request.
 */
export interface AutoApprovalQuota {
  take(input: {
    cluster: string;
    user: SlackUserId;
    requestId: RequestId;
    now: number;
    periodMs: number;
    max: number;
  }): Promise<{ isTaken: boolean; usedBefore: number }>;
}

export interface AccessEntryInfo {
  principalArn: string;
  type: string;
  username?: string;
  kubernetesGroups: readonly string[];
  tags: Readonly<Record<string, string>>;
  createdAt?: number;
}

export interface ClusterInfo {
  name: string;
  status: string;
  /** Absent on old platform versions: treat as CONFIG_MAP. */
  authenticationMode?: string;
  endpoint?: string;
  arn?: string;
}

/** EKS access-entry operations for one cluster, with that cluster's credentials. Throws AdapterError. */
/** How old a cached DescribeCluster answer may be; absent or 0: ask EKS now. */
export interface DescribeOptions {
  maxAgeMs?: number;
}

export interface AccessEntries {
  describeCluster(options?: DescribeOptions): Promise<ClusterInfo>;
  /** Undefined when the principal has no entry (404). */
  describeAccessEntry(principalArn: string): Promise<AccessEntryInfo | undefined>;
  /** Returns `created: false` with the existing entry when one is already there (409 ResourceInUse). */
  createAccessEntry(input: {
    principalArn: string;
    clientRequestToken: string;
    tags: Record<string, string>;
    kubernetesGroups?: readonly string[];
    username?: string;
  }): Promise<{ created: boolean; entry: AccessEntryInfo }>;
  listAssociatedPolicies(principalArn: string): Promise<AssociatedPolicy[]>;
  associatePolicy(principalArn: string, policyArn: string, scope: AccessScope): Promise<void>;
  /** Every principal ARN with an access entry on the cluster (ListAccessEntries, paged; ≤ 3,000 by EKS quota). */
  listPrincipals(): Promise<string[]>;
  /** Deletes the entry and its associations; false when it was already gone. */
  deleteAccessEntry(principalArn: string): Promise<boolean>;
  /** False when the association was already gone. */
  disassociatePolicy(principalArn: string, policyArn: string): Promise<boolean>;
  /** UpdateClusterConfig: asynchronous and not idempotent; returns the update to poll. */
  updateAuthenticationMode(mode: 'API_AND_CONFIG_MAP', clientRequestToken: string): Promise<{ updateId: string }>;
  describeUpdate(updateId: string): Promise<{ status: string; errors: readonly string[] }>;
}

export interface IamDirectory {
  /** The role's real IAM ARN (with its path), or undefined when IAM has no such role. */
  getRoleArn(roleName: string): Promise<string | undefined>;
}

export interface ClusterGateway {
  accessEntries: AccessEntries;
  iam: IamDirectory;
}

export interface ClusterGateways {
  forCluster(cluster: ClusterSettings): ClusterGateway;
}

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
  | 'audit_trimmed';

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

/** The person's App Home tab. Throws AdapterError on platform failures. */
export interface HomeTab {
  /** Replaces the user's Home view; returns the view id Slack gave it (clicks from it carry that id). */
  publish(user: SlackUserId, view: Message): Promise<{ viewId: string }>;
}

/** Everything a use case may touch; composed once per process by the runtime. */
export interface Deps {
  directory: Directory;
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
  /** `audit.retention` from the config: events older than this are trimmed by the reconciler; absent: 400 days. */
  auditRetentionMs?: number;
  /** How long before expiry the person is reminded, with an Extend button (15 minutes unless configured). */
  reminderLeadMs: number;
  /** Back-off of the reminders to approvers who have not acted (1 h doubling to 8 h unless configured). */
  approverReminders?: { baseMs: number; capMs: number };
  userGroups: UserGroups;
  people: People;
  autoApprovals: AutoApprovalQuota;
  digests: Digests;
  /** Length of a digest window (policy approvals announced to approvers); default 30 s. */
  digestWindowMs?: number;
  /** After this long from approval a grant still being retried gets one "still working" note (default 30 s). */
  slowNoticeAfterMs?: number;
}

/** How to reach a cluster's Kubernetes API: its endpoint and the CA from DescribeCluster. */
export interface ClusterConnection {
  endpoint: string;
  /** Base64 PEM, as in `certificateAuthority.data`. */
  caData: string;
}

/**
 * Read-only fact gathering for the diagnosis, for one cluster. Each method throws AdapterError when it
 * cannot answer; the use case turns that into an "unknown" fact with the reason.
 */
export interface DiagnosticsGateway {
  describeCluster(options?: DescribeOptions): Promise<{ facts: ClusterFacts; connection?: ClusterConnection }>;
  /** IAM's record of a user or role by name (GetUser / GetRole); `exists: false` on NoSuchEntity. */
  iamPrincipal(kind: 'user' | 'role', name: string): Promise<IamFacts>;
  accessEntry(principalArn: string): Promise<AccessEntryFacts>;
  /** The aws-auth ConfigMap through the Kubernetes API, with a token the bot builds itself. */
  awsAuth(connection: ClusterConnection): Promise<AwsAuthFacts>;
  /** Who created the cluster: CloudTrail, or the bootstrap access entry when the event is past 90 days. */
  creator(cluster: ClusterFacts): Promise<CreatorFacts>;
}

/**
 * The aws-auth ConfigMap of one cluster, written only through the cluster's single writer, which folds every
 * pending edit (core `foldAwsAuthEdits`: edit + creator-safety check) into one conflict-checked write.
 */
export interface AwsAuthGateway {
  read(): Promise<{ data: Record<string, string>; resourceVersion: string } | undefined>;
  /** Resolves with this edit's own result once the batch carrying it was written (or refused). */
  submit(
    id: string,
    edit: AwsAuthEdit,
  ): Promise<{
    result: AwsAuthEditResult;
    write?: { resourceVersionBefore?: string; resourceVersionAfter: string; batchSize: number };
  }>;
  /** Creates the group bindings that are missing: `created`, `existing` or `repaired` per binding. */
  ensureBindings(bindings: readonly PlannedBinding[]): Promise<BindingResult[]>;
  /**
   * Deletes the bindings made for these groups while they are still exactly as eks-access made them (labelled
   * ours, that group alone): `deleted`, `gone` (already), or `kept` with why.
   */
  removeBindings(bindings: readonly PlannedBinding[]): Promise<BindingResult[]>;
  canI(question: {
    user: string;
    groups: readonly string[];
    verb: string;
    resource: string;
    namespace?: string;
  }): Promise<{ allowed: boolean; reason?: string }>;
}

/** One RBAC binding for a planned group, and what ensuring or removing it did. */
export interface BindingResult {
  group: string;
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace?: string;
  status: 'created' | 'existing' | 'repaired' | 'deleted' | 'gone' | 'kept';
  why?: string;
}

export interface AwsAuthGateways {
  forCluster(cluster: ClusterSettings, connection: ClusterConnection): AwsAuthGateway;
}

export interface DiagnosticsGateways {
  forCluster(cluster: ClusterSettings): DiagnosticsGateway;
}
