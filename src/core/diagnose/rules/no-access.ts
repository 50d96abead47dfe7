import { accessPolicyArn } from '../../levels.ts';
import { wantedScope } from '../../plan/access-entries.ts';
import { awsAuthDocument, awsAuthState, effectiveAccess } from '../access-state.ts';
import { awsAuthItemLines } from '../aws-auth-text.ts';
import { associatePolicyCommand, createAccessEntryCommand, isNamespaceName } from '../commands.ts';
import { creatorText } from '../creator-text.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding, Rule } from '../finding.ts';
import { count } from '../format.ts';
import { callerSession } from '../kubernetes-user.ts';
import {
  accessEntriesAreConsulted,
  awsAuthPrincipal,
  clusterMode,
  entryPrincipal,
  parsePrincipal,
  principalName,
} from '../principal.ts';
import { apiModeIgnoresAwsAuth } from './api-mode-ignores-aws-auth.ts';
import { arnCaseMismatch } from './arn-case-mismatch.ts';
import { awsAuthNearMiss } from './aws-auth-near-miss.ts';
import { awsAuthRolePath } from './aws-auth-role-path.ts';
import { awsAuthSessionArn } from './aws-auth-session-arn.ts';
import { awsAuthSsoPath } from './aws-auth-sso-path.ts';
import { awsAuthUnparseable } from './aws-auth-unparseable.ts';
import { awsAuthWrongCaseKey } from './aws-auth-wrong-case-key.ts';
import { clusterNotFound } from './cluster-not-found.ts';
import { configMapMode } from './config-map-mode.ts';
import { entryForOtherSpelling } from './entry-for-other-spelling.ts';
import { identityMismatch } from './identity-mismatch.ts';
import { principalMissing } from './principal-missing.ts';
import { unsupportedPrincipal } from './unsupported-principal.ts';

/** Rules that explain an unmapped principal more precisely; when one of them blocks, "not mapped" adds nothing. */
const MORE_SPECIFIC: readonly Rule<Evidence>[] = [
  clusterNotFound,
  unsupportedPrincipal,
  principalMissing,
  // A pasted ARN that is not the mapped one leads, but its own mappings are still stated after it.
  (e) => (e.identity.source === 'caller_identity' ? identityMismatch(e) : undefined),
  arnCaseMismatch,
  entryForOtherSpelling,
  configMapMode,
  apiModeIgnoresAwsAuth,
  awsAuthSessionArn,
  awsAuthRolePath,
  awsAuthSsoPath,
  awsAuthNearMiss,
  awsAuthWrongCaseKey,
];

/** Cause 2: no access entry (API modes) and no aws-auth item (CONFIG_MAP modes) for the principal in use. */
export function noAccess(e: Evidence): Finding | undefined {
  if (effectiveAccess(e).kind !== 'none' || !e.clusterInfo.known || !e.clusterInfo.value.found) return undefined;
  if (MORE_SPECIFIC.some((rule) => isBlocking(rule(e)))) return undefined;
  // A key that does not parse may well hold the principal's item: that finding is the answer.
  if (clusterMode(e) !== 'API' && isBlocking(awsAuthUnparseable(e))) return undefined;
  const mode = clusterMode(e) ?? 'CONFIG_MAP';
  const arn = entryPrincipal(e) ?? e.identity.given;
  const session = callerSession(e);
  const evidence = [
    `Authentication mode: ${mode}`,
    ...entryLines(e, arn),
    ...awsAuthLines(e),
    // A session on a shared role: the role itself has no entry or item, so no session of it gets a username.
    ...(session !== undefined ? [`No session of ${arn} gets a Kubernetes username, yours (${session}) included`] : []),
  ];
  if (e.creator.known && e.creator.value.arn !== undefined) {
    evidence.push(`Cluster created by ${creatorText(e.creator.value)}`);
  }
  return {
    rule: 'no-access',
    severity: 'blocker',
    title: `${arn} is not mapped on ${e.cluster.name}: no ${accessEntriesAreConsulted(mode) ? 'access entry' : 'aws-auth item'}${
      mode === 'API_AND_CONFIG_MAP' ? ' and no aws-auth item' : ''
    }`,
    evidence,
    fix: 'Nothing on the cluster knows this identity, so every request is Unauthorized (401). Request access.',
    fixCommand: grantCommand(e, mode, arn),
    isGrantFix: true,
    symptom: 'unauthorized',
  };
}

function isBlocking(finding: Finding | undefined): boolean {
  return finding !== undefined && (finding.severity === 'blocker' || finding.severity === 'urgent');
}

function entryLines(e: Evidence, arn: string): string[] {
  if (!accessEntriesAreConsulted(clusterMode(e)) || !e.accessEntry.known) return [];
  return [
    `No access entry for ${arn} (${count(e.accessEntry.value.allPrincipalArns.length, 'entry', 'entries')} on the cluster)`,
  ];
}

function awsAuthLines(e: Evidence): string[] {
  if (clusterMode(e) === 'API') return [];
  if (awsAuthState(e).status === 'absent') return ['aws-auth ConfigMap: absent'];
  const doc = awsAuthDocument(e);
  if (!doc) return [];
  return [
    `aws-auth: no item matches ${awsAuthPrincipal(e) ?? e.identity.given} (${count(doc.mapRoles.length, 'role item')}, ${count(doc.mapUsers.length, 'user item')})`,
  ];
}

function grantCommand(e: Evidence, mode: string, arn: string): string {
  if (mode !== 'CONFIG_MAP') {
    const namespace = e.ask.namespace;
    const scope = wantedScope(namespace !== undefined && isNamespaceName(namespace) ? [namespace] : []);
    const policy = accessPolicyArn('view', parsePrincipal(arn)?.partition ?? 'aws');
    return `${createAccessEntryCommand(e, arn)} && ${associatePolicyCommand(e, arn, policy, scope)}`;
  }
  const spelling = awsAuthPrincipal(e) ?? arn;
  const name = principalName(spelling);
  return awsAuthItemLines(spelling, name?.kind === 'user' ? 'mapUsers' : 'mapRoles', name?.name ?? spelling);
}
