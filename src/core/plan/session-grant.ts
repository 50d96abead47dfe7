/**
 * Per-person grants on a shared role (issue 19): the subject is one person's session on a role others sign in to
 * as well (an IAM Identity Center permission set). The role is mapped once, with a username that renders each
 * session's own name, and the level is bound by RBAC to that one username; the role itself gets no policy and no
 * level group, so nobody else who signs in with it gains anything.
 */
import type { AwsAuthItem, Mapping } from '../aws-auth/edit.ts';
import { isPerSessionUsername } from '../aws-auth/edit-validate.ts';
import { clusterRoleFor } from '../aws-auth/levels.ts';
import { checkUsernameTemplate } from '../aws-auth/templates.ts';
import { isParsedArn, parseArn } from '../identity/arn.ts';
import { accessEntrySessionUsername, renderSessionName } from '../identity/person-identity.ts';
import type { Level } from '../levels.ts';

/**
 * The username template eks-access writes on a new aws-auth item for a shared role: `sso:` then the session name
 * with `@` rendered as `-` (`sso:erin-example.com`). The prefix keeps the name clear of `system:` and of IAM ARNs;
 * `{{SessionName}}` rather than `{{SessionNameRaw}}` because every authenticator version renders it. Safe for
 * IAM Identity Center roles, whose session name IAM Identity Center sets from the person's sign-in, not the caller.
 */
export const SESSION_USERNAME_TEMPLATE = 'sso:{{SessionName}}';

/** An IAM role session name (`RoleSessionName`): 2–64 of `[\w+=,.@-]`. Nothing else reaches a username. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export function sessionNameProblem(session: string): string | undefined {
  return SESSION_NAME.test(session)
    ? undefined
    : `\`${session}\` is not an IAM role session name (2 to 64 letters, digits or + = , . @ _ -)`;
}

/** The STS ARN a session on the role has, from which aws-auth renders its templates. */
function sessionCallerArn(roleArn: string, session: string): string | undefined {
  const parsed = parseArn(roleArn);
  if (!isParsedArn(parsed) || parsed.kind !== 'role') return undefined;
  return `arn:${parsed.partition}:sts::${parsed.account}:assumed-role/${parsed.name}/${session}`;
}

/**
 * The username an existing access entry gives the session: its default (`…:assumed-role/<role>/{{SessionName}}`,
 * also when EKS returned none) or a custom username that contains `{{SessionName}}`. A fixed username would make
 * every session on the role one Kubernetes user, so a binding for it would grant everyone: refused.
 */
export function accessEntrySessionUser(
  entryUsername: string | undefined,
  roleArn: string,
  session: string,
): { username: string } | { refusal: string } {
  const parsed = parseArn(roleArn);
  if (!isParsedArn(parsed) || parsed.kind !== 'role') return { refusal: `\`${roleArn}\` is not an IAM role ARN` };
  if (entryUsername === undefined || entryUsername === '') {
    const username = accessEntrySessionUsername(roleArn, session);
    return username ? { username } : { refusal: `\`${roleArn}\` is not an IAM role ARN` };
  }
  if (!entryUsername.includes('{{SessionName}}')) {
    return {
      refusal: `the access entry of \`${roleArn}\` maps every session to the one username \`${entryUsername}\`, so a binding for it would grant everyone who signs in with the role; changing an existing entry's username needs a separate approved change`,
    };
  }
  // Access entries render {{SessionName}} (with `@` as `-`) and {{AccountID}}; there is no {{SessionNameRaw}}.
  const username = entryUsername
    .replaceAll('{{AccountID}}', () => parsed.account)
    .replaceAll('{{SessionName}}', () => renderSessionName(session));
  return { username };
}

/**
 * The Kubernetes username an aws-auth username template renders for the session, when it renders one per session
 * (`{{SessionName}}` or `{{SessionNameRaw}}`) and every placeholder it uses is known from the session alone.
 */
export function awsAuthSessionUser(
  template: string,
  roleArn: string,
  session: string,
): { username: string } | { refusal: string } {
  if (!isPerSessionUsername(template)) {
    return {
      refusal: `aws-auth maps \`${roleArn}\` to the fixed username \`${template}\` for everyone who signs in with it; changing an existing item's username needs a separate approved change`,
    };
  }
  const caller = sessionCallerArn(roleArn, session);
  if (!caller) return { refusal: `\`${roleArn}\` is not an IAM role ARN` };
  const check = checkUsernameTemplate(template, { arn: caller });
  if (check.rendered === undefined || check.rendered === '') {
    return { refusal: `the username template \`${template}\` of \`${roleArn}\` cannot be rendered for a session` };
  }
  return { username: check.rendered };
}

export type SessionItemDecision =
  /** No item for the role: add one with the session template and no group (its access is RBAC per username). */
  | { kind: 'create'; item: AwsAuthItem; username: string }
  /** The role's item already renders per session: use it, write nothing. */
  | { kind: 'reuse'; username: string }
  | { kind: 'refuse'; reason: string };

/**
 * What an aws-auth grant for a session does with the role's item. `roleArn` is the path-less role ARN aws-auth
 * matches; `current` the item the authenticator uses for it now. An existing item's username is never changed.
 */
export function decideSessionItem(current: Mapping | undefined, roleArn: string, session: string): SessionItemDecision {
  const problem = sessionNameProblem(session);
  if (problem) return { kind: 'refuse', reason: problem };
  if (current === undefined) {
    const rendered = awsAuthSessionUser(SESSION_USERNAME_TEMPLATE, roleArn, session);
    if ('refusal' in rendered) return { kind: 'refuse', reason: rendered.refusal };
    return {
      kind: 'create',
      item: { kind: 'role', arn: roleArn, username: SESSION_USERNAME_TEMPLATE, groups: [] },
      username: rendered.username,
    };
  }
  const rendered = awsAuthSessionUser(current.username, roleArn, session);
  return 'refusal' in rendered
    ? { kind: 'refuse', reason: rendered.refusal }
    : { kind: 'reuse', username: rendered.username };
}

/** The RBAC half of a session grant: the level's ClusterRole for that one username, cluster-wide or per namespace. */
export interface SessionBindingPlan {
  user: string;
  clusterRole: string;
  /** RoleBindings in these namespaces; absent: one ClusterRoleBinding. */
  namespaces?: readonly string[];
}

export function planSessionBinding(user: string, level: Level, namespaces: readonly string[]): SessionBindingPlan {
  const clusterRole = clusterRoleFor(level);
  return namespaces.length === 0 ? { user, clusterRole } : { user, clusterRole, namespaces: [...new Set(namespaces)] };
}

/**
 * What the username alone (no groups) must be allowed afterwards, asked with a SubjectAccessReview: every level
 * includes `view`, so `get pods` cluster-wide, or `list pods` in the first namespace of a namespaced grant.
 */
export function sessionProof(namespaces: readonly string[]): { verb: string; resource: string; namespace?: string } {
  const first = namespaces[0];
  return first === undefined ? { verb: 'get', resource: 'pods' } : { verb: 'list', resource: 'pods', namespace: first };
}
