import type { AccessScope } from '../plan/access-entries.ts';
import type { AuthenticationMode, Evidence } from './evidence.ts';
import { parsePrincipal, ssoPermissionSet } from './principal.ts';

/**
 * The exact commands a finding suggests. ARNs, policy ARNs and cluster names come from AWS or from
 * the parsed ARN grammar (no spaces or shell characters); user-typed namespaces are checked first.
 */

function clusterFlags(e: Evidence, flag: '--cluster-name' | '--name'): string {
  return `${flag} ${e.cluster.name} --region ${e.cluster.region}`;
}

export function createAccessEntryCommand(e: Evidence, principalArn: string): string {
  return `aws eks create-access-entry ${clusterFlags(e, '--cluster-name')} --principal-arn ${principalArn}`;
}

export function deleteAccessEntryCommand(e: Evidence, principalArn: string): string {
  return `aws eks delete-access-entry ${clusterFlags(e, '--cluster-name')} --principal-arn ${principalArn}`;
}

function scopeFlag(scope: AccessScope): string {
  return scope.type === 'cluster' ? 'type=cluster' : `type=namespace,namespaces=${scope.namespaces.join(',')}`;
}

export function associatePolicyCommand(
  e: Evidence,
  principalArn: string,
  policyArn: string,
  scope: AccessScope,
): string {
  return `aws eks associate-access-policy ${clusterFlags(e, '--cluster-name')} --principal-arn ${principalArn} --policy-arn ${policyArn} --access-scope ${scopeFlag(scope)}`;
}

export function updateAuthModeCommand(e: Evidence, mode: AuthenticationMode): string {
  return `aws eks update-cluster-config ${clusterFlags(e, '--name')} --access-config authenticationMode=${mode}`;
}

export function updateKubeconfigCommand(e: Evidence, extra = ''): string {
  return `aws eks update-kubeconfig ${clusterFlags(e, '--name')}${extra ? ` ${extra}` : ''}`;
}

export function waitActiveCommand(e: Evidence): string {
  return `aws eks wait cluster-active ${clusterFlags(e, '--name')}`;
}

export function editAwsAuthCommand(): string {
  return 'kubectl edit configmap aws-auth -n kube-system';
}

/** A DNS-1123 label (what a namespace name may be), or one with `*` wildcards as access scopes allow. */
export function isNamespaceName(text: string): boolean {
  return /^[a-z0-9*]([-a-z0-9*]{0,61}[a-z0-9*])?$/.test(text);
}

export const CALLER_IDENTITY_COMMAND = 'aws sts get-caller-identity';
export const WHOAMI_COMMAND = 'kubectl auth whoami';

/** kubeconfig flags that make kubectl sign as `arn`: assume a plain role; a profile for SSO roles and users. */
export function switchIdentityFlags(arn: string): string {
  const set = ssoPermissionSet(arn);
  if (set !== undefined) return `--profile <your-profile-for-${set}>`;
  const parsed = parsePrincipal(arn);
  if (parsed?.kind === 'role') return `--role-arn ${arn}`;
  if (parsed?.kind === 'user') return `--profile <your-profile-for-${parsed.name}>`;
  return '--profile <your-profile>';
}
