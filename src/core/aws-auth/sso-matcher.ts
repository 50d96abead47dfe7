import { PARTITIONS } from '../identity/arn.ts';
import { foldArn } from '../identity/canonical.ts';
import type { SsoMatcher } from './types.ts';

/**
 * The open-source authenticator's `sso:` matcher (pkg/config/mapper.go): it matches canonical role ARNs like
 * `arn:aws:iam::<accountID>:role/AWSReservedSSO_<permissionSetName>_*`, only behind the SSORoleMatch feature gate.
 */
const ACCOUNT_ID = /^[0-9]{12}$/;
const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;

/** The authenticator's validation message, or undefined when the matcher is valid. */
export function validateSso(sso: SsoMatcher): string | undefined {
  if (!ACCOUNT_ID.test(sso.accountID)) return `AccountID '${sso.accountID}' is not a valid AWS Account ID`;
  if (!PERMISSION_SET_NAME.test(sso.permissionSetName)) {
    return `PermissionSetName '${sso.permissionSetName}' is not a valid AWS SSO PermissionSet Name`;
  }
  if (sso.partition !== '' && !PARTITIONS.has(sso.partition)) {
    return `partition '${sso.partition}' is not a valid AWS partition`;
  }
  return undefined;
}

/**
 * The lower-cased pattern the authenticator matches (and keys duplicates by). It reproduces an authenticator bug:
 * only an empty partition becomes `aws`; a partition that is set is dropped, so such a matcher never matches.
 */
export function ssoArnLike(sso: SsoMatcher): string {
  const partition = sso.partition === '' ? 'aws' : '';
  return foldArn(`arn:${partition}:iam::${sso.accountID}:role/AWSReservedSSO_${sso.permissionSetName}_*`);
}

/** Whether the matcher accepts a canonical caller ARN (the pattern's only wildcard is its trailing `*`). */
export function ssoMatches(sso: SsoMatcher, canonicalArn: string): boolean {
  const pattern = ssoArnLike(sso);
  return foldArn(canonicalArn).startsWith(pattern.slice(0, -1));
}
