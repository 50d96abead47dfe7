import { awsAuthMatch } from '../access-state.ts';
import { createAccessEntryCommand } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { awsAuthPrincipal, clusterMode, entryPrincipal } from '../principal.ts';

/** In API mode aws-auth is ignored completely: an aws-auth item (or a grant that went there) does nothing (cause 7). */
export function apiModeIgnoresAwsAuth(e: Evidence): Finding | undefined {
  if (clusterMode(e) !== 'API' || !e.accessEntry.known || e.accessEntry.value.entry) return undefined;
  const match = awsAuthMatch(e);
  const isInAwsAuth = match !== undefined && match.via !== 'mapAccounts';
  if (!isInAwsAuth && e.cluster.method !== 'aws-auth') return undefined;
  const evidence = ['Authentication mode: API (aws-auth is not read at all)'];
  if (match && match.via !== 'mapAccounts') {
    evidence.push(`aws-auth ${match.via} line ${match.entry.line} maps ${awsAuthPrincipal(e) ?? e.identity.given}`);
  }
  if (e.cluster.method === 'aws-auth')
    evidence.push(`eks-access is configured to grant on ${e.cluster.name} through aws-auth`);
  const arn = entryPrincipal(e) ?? e.accessEntry.value.lookedUp;
  evidence.push(`No access entry for ${arn}`);
  return {
    rule: 'api-mode-ignores-aws-auth',
    severity: 'blocker',
    title: `${e.cluster.name} is in API mode, which ignores aws-auth, and ${arn} has no access entry`,
    evidence,
    fix: 'Access has to come from an access entry: request access (and configure eks-access to use access entries on this cluster).',
    fixCommand: createAccessEntryCommand(e, arn),
    isGrantFix: true,
    symptom: 'unauthorized',
  };
}
