import { effectiveAccess, hasPermissions } from '../access-state.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { isoTime } from '../format.ts';
import { isBoundByRbac, kubernetesUser } from '../kubernetes-user.ts';

const REASON_TEXT = {
  expired: 'expired',
  revoked: 'was revoked',
  drift: 'ended because what it added was removed outside eks-access',
} as const;

/**
 * The person's own eks-access grant on this cluster has ended (expired, revoked, or removed outside the bot) and
 * nothing else lets them in: the binding or entry it made is gone, which is why the access stopped.
 */
export function grantEnded(e: Evidence): Finding | undefined {
  const ended = e.endedGrant;
  if (!ended || stillAuthorized(e)) return undefined;
  const by = ended.by !== undefined && ended.reason !== 'expired' ? ` by ${ended.by}` : '';
  const session = ended.session !== undefined ? ` for session ${ended.session}` : '';
  return {
    rule: 'grant-ended',
    severity: 'blocker',
    title: `Your eks-access ${ended.level} grant on ${e.cluster.name}${session} ${REASON_TEXT[ended.reason]} at ${isoTime(ended.at)}`,
    evidence: [
      `Request ${ended.requestId}: ${ended.level}${session}, ended ${isoTime(ended.at)} (${ended.reason}${by})`,
      'What that grant made (the binding, entry or policy) was removed when it ended',
    ],
    fix: 'Request access again.',
    isGrantFix: true,
    symptom: 'forbidden',
  };
}

/** Something still authorizes the caller: an access policy, the creator's admin, or a binding for them. */
function stillAuthorized(e: Evidence): boolean {
  const access = effectiveAccess(e);
  if (access.kind === 'unknown') return true; // cannot tell: say nothing rather than guess
  if (access.kind === 'none') return false;
  const user = kubernetesUser(e);
  if (user === undefined || !user.needsRbac) return hasPermissions(access);
  if (!e.rbac?.known) return hasPermissions(access);
  return isBoundByRbac(e, user);
}
