/**
 * Validation rules the real EKS service applies to access entries, as the fake enforces them. Where the domain
 * reference quotes the service's error text the fake uses it verbatim; the other texts are the fake's own wording
 * (marked below), so product code must classify by error code, never by message.
 */
import { type IamPrincipalArn, isStsSessionArn, parseIamPrincipalArn } from './arn.ts';
import { ACCESS_ENTRY_TYPES, type AccessScope, EKS_MAX_RESULTS_LIMIT, EKS_MESSAGES, EksError } from './eks-model.ts';

/** Returns a rejection message for principals the test or demo wants refused (e.g. a role's path-less ARN). */
export type PrincipalValidator = (principalArn: string) => string | undefined;

const RESERVED_USERNAME_PREFIXES = ['system:', 'eks:', 'aws:', 'amazon:', 'iam:'] as const;
const NODE_TYPES_WITH_EC2_DNS_NAME = new Set(['EC2_LINUX', 'EC2_WINDOWS', 'EC2']);

export function checkPrincipal(principalArn: string, validate: PrincipalValidator | undefined): IamPrincipalArn {
  if (isStsSessionArn(principalArn)) throw invalidParameter(EKS_MESSAGES.principalFormat);
  const principal = parseIamPrincipalArn(principalArn);
  if (!principal) throw invalidParameter(EKS_MESSAGES.principalFormat);
  if (principal.kind === 'role' && principal.path.startsWith('/aws-service-role/')) {
    throw invalidParameter(EKS_MESSAGES.serviceLinkedRole);
  }
  const rejection = validate?.(principalArn);
  if (rejection !== undefined) throw invalidParameter(rejection);
  return principal;
}

export function checkType(type: string, principal: IamPrincipalArn, clusterAccount: string): void {
  if (!(ACCESS_ENTRY_TYPES as readonly string[]).includes(type)) {
    throw invalidParameter(`The type ${type} is not a valid access entry type.`); // fake's wording
  }
  if (type === 'STANDARD') return;
  if (principal.kind !== 'role' || principal.account !== clusterAccount) {
    // fake's wording; the rule (non-STANDARD entries need a role in the cluster's account) is from the User Guide
    throw invalidParameter(`Access entries of type ${type} require an IAM role in the cluster's account.`);
  }
}

/** Default usernames EKS assigns (User Guide, creating-access-entries). */
export function defaultUsername(type: string, principal: IamPrincipalArn): string {
  if (type === 'STANDARD') {
    if (principal.kind === 'user') return principal.arn;
    return `arn:${principal.partition}:sts::${principal.account}:assumed-role/${principal.name}/{{SessionName}}`;
  }
  if (NODE_TYPES_WITH_EC2_DNS_NAME.has(type)) return 'system:node:{{EC2PrivateDNSName}}';
  return 'system:node:{{SessionName}}';
}

export function checkUsername(username: string): void {
  const reserved = RESERVED_USERNAME_PREFIXES.find((prefix) => username.startsWith(prefix));
  if (reserved) throw invalidParameter(`The username must not begin with ${reserved}`);
  const session = username.indexOf('{{SessionName}}');
  if (session >= 0 && !username.slice(0, session).includes(':')) {
    throw invalidParameter('The username must contain a colon before {{SessionName}}.'); // fake's wording
  }
}

export function checkGroups(groups: readonly string[]): void {
  for (const group of groups) {
    if (group.startsWith('system:')) {
      throw invalidParameter(`The kubernetes group name ${group} is invalid, it cannot start with system:`);
    }
  }
}

export function checkStandardOnlyFields(
  type: string,
  fields: { kubernetesGroups?: unknown; username?: unknown },
): void {
  if (type === 'STANDARD') return;
  if (fields.kubernetesGroups !== undefined || fields.username !== undefined) {
    throw invalidParameter(EKS_MESSAGES.standardOnly);
  }
}

export function checkScope(scope: AccessScope): void {
  if (scope.type === 'namespace' && scope.namespaces.length === 0) {
    throw invalidParameter('At least one namespace is required for an access scope of type namespace.'); // fake's wording
  }
  if (scope.type === 'cluster' && scope.namespaces.length > 0) {
    throw invalidParameter('Namespaces cannot be set for an access scope of type cluster.'); // fake's wording
  }
}

export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

/** Offset paging behind an opaque token; `maxResults` is 1–100 (default 100) as in the EKS model. */
export function paginate<T>(
  items: readonly T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
): Page<T> {
  const limit = maxResults ?? EKS_MAX_RESULTS_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > EKS_MAX_RESULTS_LIMIT) {
    throw invalidParameter(`maxResults must be between 1 and ${EKS_MAX_RESULTS_LIMIT}.`); // fake's wording
  }
  const start = nextToken === undefined ? 0 : decodeToken(nextToken);
  const end = start + limit;
  return { items: items.slice(start, end), nextToken: end < items.length ? encodeToken(end) : undefined };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const offset = typeof parsed === 'object' && parsed !== null ? (parsed as { offset?: unknown }).offset : undefined;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw invalidParameter('The nextToken is not valid.'); // fake's wording
}

export function invalidParameter(message: string): EksError {
  return new EksError('InvalidParameterException', message);
}
