import type { Logger } from '../../shared/logger.ts';
import type { AuditLog } from '../../usecases/ports.ts';

export interface HttpRefusal {
  status: number;
  reason: string;
}

/** At most this many unauthenticated refusals are written per window; the rest are only counted in the log. */
const MAX_PER_WINDOW = 20;
const WINDOW_MS = 10_000;

/**
 * Requests refused before anything was stored (unsigned, wrongly signed, stale or future timestamp, oversized)
 * go to the audit trail as `refused`. They come from anyone on the internet, so the writes are capped per window:
 * a flood cannot fill Redis, and a capped burst still leaves a record that it happened. Never blocks the answer.
 */
export function createRefusalAuditor(audit: AuditLog, log: Logger, now: () => number = Date.now) {
  let windowStart = 0;
  let written = 0;
  let dropped = 0;
  return (refusal: HttpRefusal): void => {
    const at = now();
    if (at - windowStart >= WINDOW_MS) {
      if (dropped > 0) log.warn({ dropped }, 'refused Slack requests not audited (rate cap)');
      windowStart = at;
      written = 0;
      dropped = 0;
    }
    if (written >= MAX_PER_WINDOW) {
      dropped += 1;
      return;
    }
    written += 1;
    audit
      .append({
        type: 'refused',
        at,
        actor: 'slack-http',
        detail: { code: 'unauthenticated_request', status: String(refusal.status), reason: refusal.reason },
      })
      .catch((error: unknown) => log.warn({ err: String(error) }, 'could not audit a refused Slack request'));
  };
}
