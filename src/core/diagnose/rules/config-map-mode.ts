import { effectiveAccess } from '../access-state.ts';
import { updateAuthModeCommand } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { awsAuthPrincipal, clusterMode } from '../principal.ts';

/**
 * The cluster is CONFIG_MAP but eks-access grants through access entries there: every access-entry call fails
 * with InvalidRequestException and the principal is in aws-auth nowhere (cause 6).
 */
export function configMapMode(e: Evidence): Finding | undefined {
  if (clusterMode(e) !== 'CONFIG_MAP' || e.cluster.method !== 'access-entries') return undefined;
  if (effectiveAccess(e).kind !== 'none') return undefined;
  return {
    rule: 'config-map-mode',
    severity: 'blocker',
    title: `${e.cluster.name} accepts only aws-auth (mode CONFIG_MAP), but access here is granted through access entries`,
    evidence: [
      'Authentication mode: CONFIG_MAP (access entries cannot exist in this mode)',
      `eks-access is configured to grant on ${e.cluster.name} with access entries`,
      `aws-auth has no item for ${awsAuthPrincipal(e) ?? e.identity.given}`,
    ],
    fix:
      'Switch the cluster to API_AND_CONFIG_MAP (one way: it cannot go back to CONFIG_MAP; aws-auth keeps working), ' +
      'then request access again. Or configure eks-access to use aws-auth on this cluster.',
    fixCommand: updateAuthModeCommand(e, 'API_AND_CONFIG_MAP'),
    symptom: 'unauthorized',
  };
}
