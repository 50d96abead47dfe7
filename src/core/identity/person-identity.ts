import type { PrincipalArn } from '../ids.ts';
import { isParsedArn, parseArn } from './arn.ts';

/** Where the bot learned who a person is in IAM; shown on the card beside the identity. */
export type IdentitySource = 'users' | 'sso' | 'link';

/**
 * Who a person is in IAM, as a grant will target them.
 * - `principal`: a whole IAM user or role. A grant gives access to everyone who can use that principal.
 * - `session`: one person's session on a role that others sign in to as well (an IAM Identity Center permission
 *   set, a shared role). A grant binds only the Kubernetes username EKS renders for that session; `roleArn` is the
 *   role as configured (full IAM ARN, path included when known), `session` the session name as the person signs in.
 */
export type PersonIdentity =
  | { kind: 'principal'; arn: PrincipalArn; source: IdentitySource }
  | { kind: 'session'; roleArn: PrincipalArn; session: string; source: IdentitySource };

/**
 * The Kubernetes username EKS gives a session on a role through an access entry with the default username
 * (`arn:<partition>:sts::<account>:assumed-role/<role-name>/{{SessionName}}`): no role path, and every `@` of the
 * session name rendered as `-` (access entries have no `{{SessionNameRaw}}`). Undefined when `roleArn` is not a role.
 */
export function accessEntrySessionUsername(roleArn: string, session: string): string | undefined {
  const parsed = parseArn(roleArn);
  if (!isParsedArn(parsed) || parsed.kind !== 'role') return undefined;
  return `arn:${parsed.partition}:sts::${parsed.account}:assumed-role/${parsed.name}/${renderSessionName(session)}`;
}

/** `{{SessionName}}` as EKS renders it: `@` becomes `-` (aws-iam-authenticator does the same). */
export function renderSessionName(session: string): string {
  return session.replaceAll('@', '-');
}
