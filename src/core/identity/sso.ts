import { type ParsedArn, parseArn } from './arn.ts';

/**
 * IAM Identity Center (SSO) roles. IAM creates them as
 * `role/aws-reserved/sso.amazonaws.com/[REGION/]AWSReservedSSO_<PermissionSet>_<hex>`; sessions show only the name
 * (`assumed-role/AWSReservedSSO_<PermissionSet>_<hex>/alice`), and aws-auth wants the path-less role ARN.
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/using-service-linked-roles.html
 */
export type SsoRole =
  | {
      isSso: true;
      permissionSet: string;
      /** The random hex suffix IAM Identity Center appends to the role name. */
      suffix: string;
      /** The Region segment of the reserved path, when the ARN shows one. */
      region?: string;
      /** True when the ARN carries the `aws-reserved/sso.amazonaws.com/` path (the access-entry spelling). */
      hasReservedPath: boolean;
    }
  | { isSso: false };

const SSO_RESERVED_PATH = '/aws-reserved/sso.amazonaws.com/';
// Permission set names are [\w+=,.@-]{1,32} and may contain '_', so the suffix is the last '_' segment.
const SSO_ROLE_NAME = /^AWSReservedSSO_([\w+=,.@-]{1,32})_([0-9a-fA-F]{1,32})$/;
const REGION_SEGMENT = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function ssoRole(arn: ParsedArn | string): SsoRole {
  const parsed = typeof arn === 'string' ? parseArn(arn) : arn;
  if (parsed.kind === 'assumed-role') return fromName(parsed.roleName, false);
  if (parsed.kind !== 'role') return { isSso: false };
  if (parsed.path === '/') return fromName(parsed.name, false);
  if (!parsed.path.startsWith(SSO_RESERVED_PATH)) return { isSso: false };
  const rest = parsed.path.slice(SSO_RESERVED_PATH.length);
  if (rest === '') return fromName(parsed.name, true);
  const region = rest.slice(0, -1);
  if (!REGION_SEGMENT.test(region)) return { isSso: false };
  const role = fromName(parsed.name, true);
  return role.isSso ? { ...role, region } : role;
}

function fromName(name: string, hasReservedPath: boolean): SsoRole {
  const match = SSO_ROLE_NAME.exec(name);
  if (match === null) return { isSso: false };
  return { isSso: true, permissionSet: match[1] ?? '', suffix: match[2] ?? '', hasReservedPath };
}
