import { WHOAMI_COMMAND } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { elapsed, isoTime } from '../format.ts';

/**
 * kube-apiserver caches webhook authentication results, failures included, for about 2 minutes
 * (`--authentication-token-webhook-cache-ttl`, upstream default 2m; the EKS value is unverified), and
 * access entries are eventually consistent (cause 15).
 */
const AUTH_CACHE_TTL_MS = 2 * 60_000;

export function recentGrant(e: Evidence): Finding | undefined {
  if (e.lastGrantAt === undefined) return undefined;
  const age = e.now - e.lastGrantAt;
  if (age < 0 || age >= AUTH_CACHE_TTL_MS) return undefined;
  return {
    rule: 'recent-grant',
    severity: 'info',
    title: `Access was granted ${elapsed(age)} ago: wait about 2 minutes and retry`,
    evidence: [`Granted by eks-access at ${isoTime(e.lastGrantAt)}; checked at ${isoTime(e.now)}`],
    fix:
      'The API server remembers a failed login for about 2 minutes, and new access entries take a few seconds to apply. ' +
      'Wait until two minutes after the grant, then retry.',
    fixCommand: WHOAMI_COMMAND,
    symptom: 'transient',
  };
}
