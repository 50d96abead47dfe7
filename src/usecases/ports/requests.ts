import type { PersonId, RequestId } from '../../core/ids.ts';
import type { DigestLine } from '../../core/messages/digest-messages.ts';
import type { Refusal } from '../../core/refusals.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { UpdateDecision } from '../../core/request/update-decision.ts';

/** Decides from the request as stored now; called again on the fresh request when another writer got there first. */
export type Decide = (current: AccessRequest) => UpdateDecision | Promise<UpdateDecision>;

/**
 * `ok`: `request` is as stored after the call and `previous` as it was decided on; `hasChanged` is false when the
 * decision kept it as it was. Not `ok`: refused (by the decision or the state machine) and nothing was written;
 * `request` is the request as it stood (absent when there is none: `unknown_request`).
 */
export type UpdateResult =
  | { ok: true; request: AccessRequest; previous: AccessRequest; hasChanged: boolean }
  | { ok: false; refusal: Refusal; request?: AccessRequest };

/** Stored requests. */
export interface RequestStore {
  get(id: RequestId): Promise<AccessRequest | undefined>;
  /** False when a request with this id already exists (a retried job); nothing is overwritten. */
  create(request: AccessRequest): Promise<boolean>;
  /**
   * The one way to change a stored request: reads it, asks `decide`, runs the state machine and writes the next
   * request together with the transition's audit event (both or neither), only if nobody wrote in between; on a
   * conflict it reads again and decides again, a bounded number of times (then it throws). This is what makes five
   * simultaneous Approve clicks one transition and one audit record. `decide` may run more than once: it must
   * only read.
   */
  update(id: RequestId, decide: Decide): Promise<UpdateResult>;
  /** Newest first, at most `limit`, requests where the user is requester or subject. */
  listForUser(user: PersonId, limit: number): Promise<AccessRequest[]>;
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
  /**
   * A position a reconciler rotation keeps between sweeps under `name` (0 when never written), e.g. which clusters
   * the drift check visits next. Concurrent sweeps may read the same position; that only repeats a read-only check.
   */
  readCursor(name: string): Promise<number>;
  writeCursor(name: string, at: number): Promise<void>;
  /** Every active grant on this cluster (granted, indexed by markActive). */
  activeOn(cluster: string): Promise<AccessRequest[]>;
  /** Pending requests on this cluster, oldest first, at most `limit` (for the approvers' Home tab). */
  pendingOn(cluster: string, limit: number): Promise<AccessRequest[]>;
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
  enqueueHomeRefresh(user: PersonId): Promise<void>;
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

/**
 * Per-person counters of automatic approvals over a rolling period; `user` is the subject (who gets access). `take` is atomic and idempotent per
 * `requestId`: it records the approval when fewer than `max` were taken in the last `periodMs` (or this request
 * already holds one), and returns how many were used before this request.
 */
export interface AutoApprovalQuota {
  take(input: {
    cluster: string;
    user: PersonId;
    requestId: RequestId;
    now: number;
    periodMs: number;
    max: number;
  }): Promise<{ isTaken: boolean; usedBefore: number }>;
}
