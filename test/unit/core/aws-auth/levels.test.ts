import { describe, expect, it } from 'vitest';
import {
  awsAuthGroup,
  awsAuthUsername,
  clusterRoleFor,
  groupBinding,
  levelOfGroup,
} from '../../../../src/core/aws-auth/levels.ts';
import { LEVELS } from '../../../../src/core/levels.ts';

describe('aws-auth levels', () => {
  it.each([
    ['view', 'eks-access:view', 'view'],
    ['edit', 'eks-access:edit', 'edit'],
    ['admin', 'eks-access:admin', 'admin'],
    ['cluster-admin', 'eks-access:cluster-admin', 'cluster-admin'],
  ] as const)('maps %s to group %s bound to ClusterRole %s', (level, group, clusterRole) => {
    expect(awsAuthGroup(level)).toBe(group);
    expect(clusterRoleFor(level)).toBe(clusterRole);
    expect(levelOfGroup(group)).toBe(level);
  });

  it('covers every level and never uses system:masters', () => {
    expect(LEVELS.map(awsAuthGroup).every((g) => g.startsWith('eks-access:'))).toBe(true);
    expect(levelOfGroup('system:masters')).toBeUndefined();
    expect(levelOfGroup('EKS-ACCESS:VIEW')).toBeUndefined();
  });

  it.each([
    ['a role with a path', 'arn:aws:iam::111122223333:role/platform/alice', 'eks-access:alice'],
    [
      'an SSO role',
      'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_0123abcd',
      'eks-access:AWSReservedSSO_Dev_0123abcd',
    ],
    [
      'a session (never its session name)',
      'arn:aws:sts::111122223333:assumed-role/alice/chosen-by-anyone',
      'eks-access:alice',
    ],
    ['a user', 'arn:aws:iam::111122223333:user/ops/carol', 'eks-access:carol'],
    ['root', 'arn:aws:iam::111122223333:root', undefined],
    ['garbage', 'alice\n- rolearn: x', undefined],
  ])('names the Kubernetes user of %s', (_, arn, username) => {
    const name = awsAuthUsername(arn);

    expect(name).toBe(username);
    expect(name ?? '').not.toContain('{{');
  });

  it.each([
    ['view', undefined, { kind: 'ClusterRoleBinding', name: 'eks-access:view' }],
    ['edit', 'team-a', { kind: 'RoleBinding', name: 'eks-access:edit', namespace: 'team-a' }],
  ] as const)('binds the %s group (namespace %s)', (level, namespace, expected) => {
    const binding = groupBinding(level, namespace);

    expect(binding).toMatchObject(expected);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: level });
    expect(binding.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `eks-access:${level}` },
    ]);
  });
});
