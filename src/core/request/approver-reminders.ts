import type { PersonId } from '../ids.ts';
import type { AccessRequest } from './request.ts';

/** Reminder n waits base·2^(n−1), never more than the cap: 1 h, 2 h, 4 h, 8 h, 8 h … by default. */
export interface ReminderBackoff {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_REMINDER_BACKOFF: ReminderBackoff = { baseMs: 3_600_000, capMs: 8 * 3_600_000 };

/** A hard stop even for a very long `pendingTimeout`, so a forgotten request does not nag forever. */
export const MAX_APPROVER_REMINDERS = 12;

/** The wait before reminder `n` (1-based), measured from the previous one (or from filing, for the first). */
export function reminderDelay(n: number, backoff: ReminderBackoff): number {
  // 2^30 × any sane base is past any cap; bounding the exponent keeps the arithmetic finite.
  const doubled = backoff.baseMs * 2 ** Math.min(Math.max(n - 1, 0), 30);
  return Math.min(doubled, backoff.capMs);
}

/**
 * When reminder `n` is due: the filing time plus the waits before reminders 1…n. Undefined when it would fall at
 * or after the moment the request lapses, or past the last reminder: nobody is reminded about a request that ends.
 */
export function reminderAt(
  filedAt: number,
  n: number,
  backoff: ReminderBackoff,
  lapsesAt: number | undefined,
): number | undefined {
  if (!Number.isInteger(n) || n < 1 || n > MAX_APPROVER_REMINDERS) return undefined;
  let at = filedAt;
  for (let i = 1; i <= n; i++) at += reminderDelay(i, backoff);
  if (lapsesAt !== undefined && at >= lapsesAt) return undefined;
  return at;
}

/** Approvers who have not acted: configured, not the requester or the subject, and not already approving. */
export function approversToRemind(request: AccessRequest, approvers: readonly PersonId[]): PersonId[] {
  if (request.status !== 'pending') return [];
  const acted = new Set<string>(request.approvals.map((a) => a.by));
  return [...new Set(approvers)].filter((a) => a !== request.requester && a !== request.subject && !acted.has(a));
}
