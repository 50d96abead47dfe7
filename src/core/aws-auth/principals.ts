import { awsAuthArn, isParsedArn, type ParsedArn, parseArn } from '../identity/arn.ts';
import { foldArn } from '../identity/canonical.ts';

/**
 * Comparing principals across spellings: an aws-auth item (role without path), an access entry (role with path),
 * a CloudTrail creator (role ARN with path, session ARN, user ARN). IAM role and user names are unique per account
 * whatever the path and ignoring case, so partition + account + kind + folded name identifies a principal.
 */
export function principalKey(arn: string): string {
  const parsed = parseArn(arn);
  if (!isParsedArn(parsed)) return `unparsed:${foldArn(arn)}`;
  const canonical = awsAuthArn(parsed);
  if (canonical === undefined) return foldArn(arn);
  return parsed.kind === 'user' ? userKey(parsed) : foldArn(canonical);
}

// Users keep their path in aws-auth, but the name alone identifies them in the account.
function userKey(parsed: Extract<ParsedArn, { kind: 'user' }>): string {
  return foldArn(`arn:${parsed.partition}:iam::${parsed.account}:user/${parsed.name}`);
}

/** Same account, kind and name, ignoring case and any path, a user's included (IAM names are unique per account). */
export function samePrincipalIgnoringPaths(a: string, b: string): boolean {
  return principalKey(a) === principalKey(b);
}

/**
 * Names typical of principals that create clusters or hold admin rights: administrator roles (SSO permission
 * sets included), the organization and Control Tower access roles, and the IaC tools that usually create
 * clusters. Used only when the creator is unknown, to lean towards refusing.
 */
const ADMIN_LOOKING =
  /admin|poweruser|OrganizationAccountAccessRole|ControlTowerExecution|terraform|eksctl|cloudformation|^cdk-/i;

export function looksLikeAdminPrincipal(arn: string): boolean {
  const parsed = parseArn(arn);
  if (!isParsedArn(parsed)) return ADMIN_LOOKING.test(arn);
  switch (parsed.kind) {
    case 'role':
    case 'user':
      return ADMIN_LOOKING.test(parsed.name) || ADMIN_LOOKING.test(parsed.path);
    case 'assumed-role':
      return ADMIN_LOOKING.test(parsed.roleName);
    case 'root':
      return true;
    case 'federated-user':
      return ADMIN_LOOKING.test(parsed.name);
  }
}
