import type { AwsAuthItem } from '../aws-auth/edit.ts';
import { awsAuthGroup, awsAuthUsername, clusterRoleFor } from '../aws-auth/levels.ts';
import { awsAuthArn, isParsedArn, parseArn } from '../identity/arn.ts';
import type { Level } from '../levels.ts';

export interface PlannedBinding {
  group: string;
  clusterRole: string;
  /** RoleBindings in these namespaces; absent: one ClusterRoleBinding. */
  namespaces?: readonly string[];
}

export interface AwsAuthGrantPlan {
  item: AwsAuthItem;
  bindings: readonly PlannedBinding[];
  /** What the mapped identity must be allowed afterwards, checked with a SubjectAccessReview. */
  proof: { verb: string; resource: string; namespace?: string };
}

/**
 * The aws-auth item and RBAC bindings for a grant. Namespaced grants get a group per namespace
 * (`eks-access:view:payments`): sharing the level's group with a RoleBinding would let a namespaced grantee
 * ride on the cluster-wide binding of the same group made for someone else.
 */
export function planAwsAuthGrant(
  principalArn: string,
  level: Level,
  namespaces: readonly string[],
): AwsAuthGrantPlan | { refusal: string } {
  const parsed = parseArn(principalArn);
  if (!isParsedArn(parsed)) return { refusal: `the configured principal is not an IAM ARN: ${parsed.reason}` };
  const arn = awsAuthArn(parsed);
  const username = awsAuthUsername(principalArn);
  if (!arn || !username || (parsed.kind !== 'role' && parsed.kind !== 'assumed-role' && parsed.kind !== 'user')) {
    return {
      refusal: `${parsed.kind} principals cannot be mapped in aws-auth; map this person to an IAM role or user`,
    };
  }
  const kind = parsed.kind === 'user' ? 'user' : 'role';
  const clusterRole = clusterRoleFor(level);
  if (namespaces.length === 0) {
    const group = awsAuthGroup(level);
    return {
      item: { kind, arn, username, groups: [group] },
      bindings: [{ group, clusterRole }],
      proof: { verb: 'list', resource: 'pods' },
    };
  }
  const bindings = namespaces.map((ns) => ({ group: `${awsAuthGroup(level)}:${ns}`, clusterRole, namespaces: [ns] }));
  return {
    item: { kind, arn, username, groups: bindings.map((b) => b.group) },
    bindings,
    proof: { verb: 'list', resource: 'pods', namespace: namespaces[0] ?? 'default' },
  };
}
