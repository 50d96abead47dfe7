import { accessPolicyArn } from '../../levels.ts';
import { wantedScope } from '../../plan/access-entries.ts';
import { associatePolicyCommand, isNamespaceName } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { callerSession, isBoundByRbac } from '../kubernetes-user.ts';
import { parsePrincipal } from '../principal.ts';

/**
 * An entry with neither access policies nor Kubernetes groups authenticates but authorizes nothing beyond
 * API discovery: kubectl gets 403 Forbidden, not 401 Unauthorized (cause 19).
 */
export function entryWithoutPermissions(e: Evidence): Finding | undefined {
  if (!e.accessEntry.known) return undefined;
  const { entry, policies } = e.accessEntry.value;
  if (entry?.type !== 'STANDARD' || policies.length > 0 || entry.kubernetesGroups.length > 0) return undefined;
  // A per-person grant on a shared role: the entry has neither, and a binding names the session's username.
  if (isBoundByRbac(e)) return undefined;
  // A session on a shared role: per-person grants bind its username, so the session and RBAC rules name the cause.
  if (e.rbac?.known && callerSession(e) !== undefined) return undefined;
  const namespace = e.ask.namespace;
  const scope = wantedScope(namespace !== undefined && isNamespaceName(namespace) ? [namespace] : []);
  const partition = parsePrincipal(entry.principalArn)?.partition ?? 'aws';
  return {
    rule: 'entry-without-permissions',
    severity: 'blocker',
    title: `The access entry for ${entry.principalArn} has no access policy and no Kubernetes groups`,
    evidence: [
      `Access entry ${entry.principalArn} (type ${entry.type}${entry.username ? `, username ${entry.username}` : ''})`,
      'Associated access policies: none',
      'Kubernetes groups: none',
    ],
    fix:
      'kubectl answers Forbidden (403), not Unauthorized (401): the entry lets EKS recognise you (authentication works), ' +
      'but nothing authorizes a request beyond API discovery. Unauthorized would mean EKS did not recognise the identity at all. ' +
      'Request access so a policy is associated with the entry.',
    fixCommand: associatePolicyCommand(e, entry.principalArn, accessPolicyArn('view', partition), scope),
    isGrantFix: true,
    symptom: 'forbidden',
  };
}
