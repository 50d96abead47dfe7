import { formatDuration } from '../intent/duration.ts';

/** "2h 5m left", "under a minute left", "ended" — for grants shown with their remaining time. */
export function timeLeft(expiresAt: number | undefined, now: number): string {
  if (expiresAt === undefined) return 'no end recorded';
  const ms = expiresAt - now;
  if (ms <= 0) return 'ended, removal pending';
  if (ms < 60_000) return 'under a minute left';
  return `${formatDuration(ms)} left`;
}

/** `2026-12-02 05:30 UTC`. */
export function utcMinute(at: number): string {
  return `${new Date(at).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}
