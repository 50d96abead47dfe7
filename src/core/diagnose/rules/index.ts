import type { Evidence } from '../evidence.ts';
import type { Rule } from '../finding.ts';
import { apiModeIgnoresAwsAuth } from './api-mode-ignores-aws-auth.ts';
import { arnCaseMismatch } from './arn-case-mismatch.ts';
import { awsAuthFoldedGroups } from './aws-auth-folded-groups.ts';
import { awsAuthNearMiss } from './aws-auth-near-miss.ts';
import { awsAuthRolePath } from './aws-auth-role-path.ts';
import { awsAuthSessionArn } from './aws-auth-session-arn.ts';
import { awsAuthSsoPath } from './aws-auth-sso-path.ts';
import { awsAuthUnparseable } from './aws-auth-unparseable.ts';
import { awsAuthWrongCaseKey } from './aws-auth-wrong-case-key.ts';
import { clusterNotActive } from './cluster-not-active.ts';
import { clusterNotFound } from './cluster-not-found.ts';
import { clusterRefusedReader } from './cluster-refused-reader.ts';
import { configMapMode } from './config-map-mode.ts';
import { creatorDifferentIdentity } from './creator-different-identity.ts';
import { entryForOtherSpelling } from './entry-for-other-spelling.ts';
import { entryOverridesAwsAuth } from './entry-overrides-aws-auth.ts';
import { entryWithoutPermissions } from './entry-without-permissions.ts';
import { factsUnknown } from './facts-unknown.ts';
import { grantEnded } from './grant-ended.ts';
import { identityMismatch } from './identity-mismatch.ts';
import { identityUnverified } from './identity-unverified.ts';
import { impersonation } from './impersonation.ts';
import { mapAccountsOnly } from './map-accounts-only.ts';
import { namespaceOutOfScope } from './namespace-out-of-scope.ts';
import { noAccess } from './no-access.ts';
import { principalChanged } from './principal-changed.ts';
import { principalMissing } from './principal-missing.ts';
import { principalRecreated } from './principal-recreated.ts';
import { rbacUnbound } from './rbac-unbound.ts';
import { recentGrant } from './recent-grant.ts';
import { sessionUsername } from './session-username.ts';
import { unsupportedPrincipal } from './unsupported-principal.ts';
import { usernameTemplate } from './username-template.ts';

/**
 * Every rule, in the fixed order that breaks ties between findings of the same severity: where the request
 * goes first (cluster), then who is calling, then how the principal is mapped, then what it may do.
 */
export const RULES = [
  { id: 'cluster-not-found', rule: clusterNotFound },
  { id: 'cluster-not-active', rule: clusterNotActive },
  { id: 'cluster-refused-reader', rule: clusterRefusedReader },
  { id: 'aws-auth-unparseable', rule: awsAuthUnparseable },
  { id: 'unsupported-principal', rule: unsupportedPrincipal },
  { id: 'principal-missing', rule: principalMissing },
  { id: 'identity-mismatch', rule: identityMismatch },
  { id: 'creator-different-identity', rule: creatorDifferentIdentity },
  { id: 'principal-recreated', rule: principalRecreated },
  { id: 'arn-case-mismatch', rule: arnCaseMismatch },
  { id: 'entry-for-other-spelling', rule: entryForOtherSpelling },
  { id: 'config-map-mode', rule: configMapMode },
  { id: 'api-mode-ignores-aws-auth', rule: apiModeIgnoresAwsAuth },
  { id: 'aws-auth-session-arn', rule: awsAuthSessionArn },
  { id: 'aws-auth-sso-path', rule: awsAuthSsoPath },
  { id: 'aws-auth-role-path', rule: awsAuthRolePath },
  { id: 'aws-auth-near-miss', rule: awsAuthNearMiss },
  { id: 'aws-auth-wrong-case-key', rule: awsAuthWrongCaseKey },
  { id: 'aws-auth-folded-groups', rule: awsAuthFoldedGroups },
  { id: 'username-template', rule: usernameTemplate },
  { id: 'principal-changed', rule: principalChanged },
  { id: 'grant-ended', rule: grantEnded },
  { id: 'no-access', rule: noAccess },
  { id: 'entry-without-permissions', rule: entryWithoutPermissions },
  { id: 'session-username', rule: sessionUsername },
  { id: 'rbac-unbound', rule: rbacUnbound },
  { id: 'map-accounts-only', rule: mapAccountsOnly },
  { id: 'namespace-out-of-scope', rule: namespaceOutOfScope },
  { id: 'entry-overrides-aws-auth', rule: entryOverridesAwsAuth },
  { id: 'impersonation', rule: impersonation },
  { id: 'recent-grant', rule: recentGrant },
  { id: 'identity-unverified', rule: identityUnverified },
  { id: 'facts-unknown', rule: factsUnknown },
] as const satisfies readonly { id: string; rule: Rule<Evidence> }[];

export type RuleId = (typeof RULES)[number]['id'];
export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);
