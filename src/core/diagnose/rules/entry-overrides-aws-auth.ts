import { adminGroups } from '../../aws-auth/nodes.ts';
import { accessPolicyArn } from '../../levels.ts';
import { awsAuthMatch } from '../access-state.ts';
import { associatePolicyCommand, editAwsAuthCommand } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { listText, policyName, policyText } from '../format.ts';
import { clusterMode, parsePrincipal } from '../principal.ts';

/**
 * In API_AND_CONFIG_MAP a principal with both an access entry and an aws-auth item gets only the entry;
 * the aws-auth item is ignored even when it grants more (cause 20).
 */
export function entryOverridesAwsAuth(e: Evidence): Finding | undefined {
  if (clusterMode(e) !== 'API_AND_CONFIG_MAP' || !e.accessEntry.known) return undefined;
  const { entry, policies } = e.accessEntry.value;
  const match = awsAuthMatch(e);
  if (!entry || !match || match.via === 'mapAccounts') return undefined;
  const admin = adminGroups(match);
  const clusterAdmin = accessPolicyArn('cluster-admin', parsePrincipal(entry.principalArn)?.partition ?? 'aws');
  const entryIsAdmin = policies.some(
    (p) => policyName(p.policyArn) === policyName(clusterAdmin) && p.scope.type === 'cluster',
  );
  const isWeaker = admin.length > 0 && !entryIsAdmin;
  return {
    rule: 'entry-overrides-aws-auth',
    severity: 'warning',
    title: isWeaker
      ? `The access entry for ${entry.principalArn} wins over its aws-auth item, which grants more (${admin.join(', ')})`
      : `The access entry for ${entry.principalArn} wins; its aws-auth item is ignored`,
    evidence: [
      `Access entry: ${listText(policies.map(policyText), 'no access policy')}; groups ${listText(entry.kubernetesGroups)}`,
      `aws-auth ${match.via} line ${match.entry.line}: username ${match.username || '(none)'}, groups ${listText(match.groups)}`,
      'Authentication mode API_AND_CONFIG_MAP: an access entry takes precedence over aws-auth',
    ],
    fix: isWeaker
      ? 'Give the access entry the access you need (request it), then remove the aws-auth item so the two do not drift apart.'
      : 'Remove the aws-auth item (it does nothing while the entry exists) so nobody is misled by it.',
    fixCommand: isWeaker
      ? associatePolicyCommand(e, entry.principalArn, clusterAdmin, { type: 'cluster' })
      : editAwsAuthCommand(),
    ...(isWeaker ? { isGrantFix: true, symptom: 'forbidden' as const } : {}),
  };
}
