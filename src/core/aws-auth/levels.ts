import { isParsedArn, parseArn } from '../identity/arn.ts';
import type { Level } from '../levels.ts';

/**
 * What a level means on an aws-auth cluster. The item maps the person to one Kubernetes group per level, and the
 * executor binds each group to the matching built-in ClusterRole (a ClusterRoleBinding, or a RoleBinding in each
 * namespace for namespace scope). `system:masters` is never used: it bypasses RBAC and cannot be revoked by
 * removing a binding.
 */
export const AWS_AUTH_GROUPS = {
  view: 'eks-access:view',
  edit: 'eks-access:edit',
  admin: 'eks-access:admin',
  'cluster-admin': 'eks-access:cluster-admin',
} as const satisfies Record<Level, string>;

/** The built-in ClusterRoles (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles). */
export const CLUSTER_ROLES = {
  view: 'view',
  edit: 'edit',
  admin: 'admin',
  'cluster-admin': 'cluster-admin',
} as const satisfies Record<Level, string>;

export const CLUSTER_ADMIN_GROUP = AWS_AUTH_GROUPS['cluster-admin'];
export const USERNAME_PREFIX = 'eks-access:';

export function awsAuthGroup(level: Level): string {
  return AWS_AUTH_GROUPS[level];
}

export function clusterRoleFor(level: Level): string {
  return CLUSTER_ROLES[level];
}

/** The level whose group this is, if any (exact match: RBAC compares group names exactly). */
export function levelOfGroup(group: string): Level | undefined {
  const found = (Object.keys(AWS_AUTH_GROUPS) as Level[]).find((level) => AWS_AUTH_GROUPS[level] === group);
  return found;
}

/**
 * The username written for a person: `eks-access:<principal name>` (the role or user name, without path), a
 * fixed string. Never a session template such as `{{SessionName}}`: anyone who can assume the role chooses the
 * session name (`aws sts assume-role --role-session-name alice`), so it would let one person act, and be
 * audited, as another. The name passed IAM's grammar ([\w+=,.@-]), so it needs no quoting.
 * Undefined for ARNs aws-auth cannot map (root, federated users, unparseable).
 */
export function awsAuthUsername(principalArn: string): string | undefined {
  const parsed = parseArn(principalArn);
  if (!isParsedArn(parsed)) return undefined;
  switch (parsed.kind) {
    case 'role':
    case 'user':
      return `${USERNAME_PREFIX}${parsed.name}`;
    case 'assumed-role':
      return `${USERNAME_PREFIX}${parsed.roleName}`;
    case 'root':
    case 'federated-user':
      return undefined;
  }
}

/** The binding that gives a level's group its ClusterRole: cluster-wide, or one RoleBinding per namespace. */
export type GroupBinding = {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace?: string;
  roleRef: { apiGroup: 'rbac.authorization.k8s.io'; kind: 'ClusterRole'; name: string };
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io'; kind: 'Group'; name: string }];
};

export function groupBinding(level: Level, namespace?: string): GroupBinding {
  const group = AWS_AUTH_GROUPS[level];
  const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CLUSTER_ROLES[level] } as const;
  const subjects: GroupBinding['subjects'] = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }];
  return namespace === undefined
    ? { kind: 'ClusterRoleBinding', name: group, roleRef, subjects }
    : { kind: 'RoleBinding', name: group, namespace, roleRef, subjects };
}
