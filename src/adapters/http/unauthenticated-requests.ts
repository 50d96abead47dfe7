import type { Logger } from '../../shared/logger.ts';

/** A Slack request refused before anything was stored: no or a wrong signature, a stale timestamp, a huge body. */
export interface HttpRefusal {
  status: number;
  /** One of the guard's fixed reasons (never text from the request), so it is safe as a metric label. */
  reason: string;
  /** The peer's address as the socket saw it (behind a load balancer, the balancer's). */
  source: string;
}

/** At most one log line per source in this window; refusals in between are counted and logged with the next one. */
export const UNAUTHENTICATED_LOG_WINDOW_MS = 60_000;
/** Sources tracked at once; beyond this (a spread-out flood) refusals are summed into one line per window. */
const MAX_SOURCES = 10_000;
const SWEEP_EVERY_MS = 10_000;

interface SourceWindow {
  since: number;
  suppressed: number;
  last: HttpRefusal;
}

/**
 * Unauthenticated requests come from anyone on the internet, so they are not written to the audit trail (a flood
 * would fill Redis, which runs `noeviction`). Each is counted (`count`, a Prometheus counter) and logged at most once
 * per source per minute: the first one at once, the rest as a count when the minute is over.
 */
export function createUnauthenticatedRequestLog(options: {
  count: (refusal: HttpRefusal) => void;
  log: Logger;
  now?: () => number;
  /** false in unit tests, which call `sweep` themselves. */
  hasTimer?: boolean;
}) {
  const now = options.now ?? Date.now;
  const sources = new Map<string, SourceWindow>();
  let overflow = { since: now(), count: 0 };

  function record(refusal: HttpRefusal): void {
    options.count(refusal);
    const open = sources.get(refusal.source);
    if (open) {
      open.suppressed += 1;
      open.last = refusal;
      return;
    }
    if (sources.size >= MAX_SOURCES) {
      overflow.count += 1;
      return;
    }
    sources.set(refusal.source, { since: now(), suppressed: 0, last: refusal });
    options.log.warn(
      { source: refusal.source, status: refusal.status, reason: refusal.reason },
      'unauthenticated Slack request refused',
    );
  }

  /** Logs the counts of windows that are over; a source that stayed quiet for a whole window is forgotten. */
  function sweep(): void {
    const at = now();
    for (const [source, window] of sources) {
      if (at - window.since < UNAUTHENTICATED_LOG_WINDOW_MS) continue;
      if (window.suppressed === 0) {
        sources.delete(source);
        continue;
      }
      options.log.warn(
        { source, count: window.suppressed, status: window.last.status, reason: window.last.reason },
        'more unauthenticated Slack requests refused from this source',
      );
      sources.set(source, { since: at, suppressed: 0, last: window.last });
    }
    if (overflow.count > 0 && at - overflow.since >= UNAUTHENTICATED_LOG_WINDOW_MS) {
      options.log.warn({ count: overflow.count }, 'unauthenticated Slack requests refused from too many sources');
      overflow = { since: at, count: 0 };
    }
  }

  const timer = options.hasTimer === false ? undefined : setInterval(sweep, SWEEP_EVERY_MS);
  timer?.unref();
  return { record, sweep, stop: () => clearInterval(timer) };
}
