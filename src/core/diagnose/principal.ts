import { accessEntryArn, awsAuthArn, isParsedArn, type ParsedArn, parseArn } from '../identity/arn.ts';
import { ssoRole } from '../identity/sso.ts';
import type { AuthenticationMode, Evidence } from './evidence.ts';

/**
 * How the rules see the principal under diagnosis: the identity in use (`identity.given`), its IAM ARN
 * for access entries (path included) and its aws-auth spelling (role path removed).
 */

export function parsePrincipal(arn: string | undefined): ParsedArn | undefined {
  if (arn === undefined) return undefined;
  const parsed = parseArn(arn);
  return isParsedArn(parsed) ? parsed : undefined;
}

/** The spelling the authenticator matches, lower-cased (it compares ARNs without case); raw text when not an ARN. */
function canonicalKey(arn: string): string {
  const parsed = parsePrincipal(arn);
  return ((parsed && awsAuthArn(parsed)) ?? arn).toLowerCase();
}

/**
 * Same principal as the authenticator spells it in aws-auth: a session matches its role, a role's path and the case
 * are ignored, but a user's path counts (aws-auth keeps it). Not `samePrincipalIgnoringPaths` in core/aws-auth,
 * which also ignores a user's path: this one compares what the diagnosis shows the person, spelling for spelling.
 */
export function samePrincipalIgnoringRolePath(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return canonicalKey(a) === canonicalKey(b);
}

/** The ARN an access entry must carry for the principal in use: IAM's own spelling, role path included. */
export function entryPrincipal(e: Evidence): string | undefined {
  if (e.identity.iamArn !== undefined) return e.identity.iamArn;
  if (e.accessEntry.known) return e.accessEntry.value.lookedUp;
  const parsed = parsePrincipal(e.identity.given);
  return parsed ? accessEntryArn(parsed) : undefined;
}

/** The ARN an aws-auth item must carry for the principal in use (roles without path). */
export function awsAuthPrincipal(e: Evidence): string | undefined {
  const parsed = parsePrincipal(e.identity.iamArn ?? e.identity.given);
  return parsed ? awsAuthArn(parsed) : undefined;
}

/** The authentication mode, when the cluster was described. */
export function clusterMode(e: Evidence): AuthenticationMode | undefined {
  if (!e.clusterInfo.known || !e.clusterInfo.value.found) return undefined;
  return e.clusterInfo.value.authenticationMode ?? 'CONFIG_MAP';
}

/** Whether the authenticator looks at access entries on a cluster in this mode (API, API_AND_CONFIG_MAP). */
export function accessEntriesAreConsulted(mode: AuthenticationMode | undefined): boolean {
  return mode === 'API' || mode === 'API_AND_CONFIG_MAP';
}

/**
 * Whether the authenticator reads aws-auth on a cluster in this mode: CONFIG_MAP and API_AND_CONFIG_MAP. Not
 * whether eks-access grants there (`grantsThroughAwsAuth`), which is false for API_AND_CONFIG_MAP under `auto`.
 */
export function awsAuthIsConsulted(mode: AuthenticationMode | undefined): boolean {
  return mode === 'CONFIG_MAP' || mode === 'API_AND_CONFIG_MAP';
}

/** The cluster creator's ARN, when it is known. */
function creatorArn(e: Evidence): string | undefined {
  return e.creator.known ? e.creator.value.arn : undefined;
}

export function isCreator(e: Evidence, arn: string | undefined): boolean {
  return samePrincipalIgnoringRolePath(creatorArn(e), arn);
}

/** The IAM Identity Center permission set behind a role or session ARN, if it is one. */
export function ssoPermissionSet(arn: string | undefined): string | undefined {
  const parsed = parsePrincipal(arn);
  if (!parsed) return undefined;
  const role = ssoRole(parsed);
  return role.isSso ? role.permissionSet : undefined;
}

/** The short name of an IAM principal (role or user name), for `aws iam get-role --role-name`. */
export function principalName(arn: string | undefined): { kind: 'role' | 'user'; name: string } | undefined {
  const parsed = parsePrincipal(arn);
  if (!parsed) return undefined;
  if (parsed.kind === 'role' || parsed.kind === 'user') return { kind: parsed.kind, name: parsed.name };
  if (parsed.kind === 'assumed-role') return { kind: 'role', name: parsed.roleName };
  return undefined;
}

/** Describes where a principal ARN came from, for evidence lines. */
export function identitySourceText(e: Evidence): string {
  switch (e.identity.source) {
    case 'caller_identity':
      return 'from aws sts get-caller-identity';
    case 'pasted_arn':
      return 'as pasted';
    case 'mapped':
      return 'the principal mapped for you';
  }
}
