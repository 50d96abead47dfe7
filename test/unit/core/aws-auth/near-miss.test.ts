import { describe, expect, it } from 'vitest';
import { parseAwsAuth } from '../../../../src/core/aws-auth/document.ts';
import { findNearMisses } from '../../../../src/core/aws-auth/match.ts';

const BOB_SESSION = 'arn:aws:sts::111122223333:assumed-role/bob-admin/bob@example.com';
const BOB_ROLE_WITH_PATH = 'arn:aws:iam::111122223333:role/platform/bob-admin';
const BOB_FIX = 'rolearn: arn:aws:iam::111122223333:role/bob-admin';
const SSO_ROLE =
  'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdminAccess_0123456789abcdef';
const SSO_FIX = 'rolearn: arn:aws:iam::111122223333:role/AWSReservedSSO_AdminAccess_0123456789abcdef';

function misses(data: Record<string, string>, principal: string) {
  return findNearMisses(parseAwsAuth(data), principal).map((m) => [m.kind, m.list, m.index, m.written, m.fix]);
}

describe('findNearMisses', () => {
  it.each([
    [
      'a rolearn with the IAM path',
      { mapRoles: `- rolearn: ${BOB_ROLE_WITH_PATH}\n  groups: [system:masters]\n` },
      BOB_SESSION,
      ['role_arn_has_path', 'mapRoles', 0, `rolearn: ${BOB_ROLE_WITH_PATH}`, { list: 'mapRoles', line: BOB_FIX }],
    ],
    [
      'an SSO role with its aws-reserved path',
      { mapRoles: `- rolearn: ${SSO_ROLE}\n` },
      'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdminAccess_0123456789abcdef/alice',
      ['role_arn_has_path', 'mapRoles', 0, `rolearn: ${SSO_ROLE}`, { list: 'mapRoles', line: SSO_FIX }],
    ],
    [
      'a session ARN pasted as rolearn (any spelling of the key)',
      { mapRoles: `- RoleArn: ${BOB_SESSION}\n` },
      BOB_SESSION,
      ['session_arn_in_rolearn', 'mapRoles', 0, `RoleArn: ${BOB_SESSION}`, { list: 'mapRoles', line: BOB_FIX }],
    ],
    [
      'a rolearn key under mapUsers',
      { mapUsers: '- rolearn: arn:aws:iam::111122223333:role/bob-admin\n' },
      BOB_SESSION,
      [
        'wrong_key',
        'mapUsers',
        0,
        'rolearn: arn:aws:iam::111122223333:role/bob-admin',
        { list: 'mapRoles', line: BOB_FIX },
      ],
    ],
    [
      'a userarn key under mapRoles',
      { mapRoles: '- userarn: arn:aws:iam::111122223333:user/alice\n' },
      'arn:aws:iam::111122223333:user/alice',
      [
        'wrong_key',
        'mapRoles',
        0,
        'userarn: arn:aws:iam::111122223333:user/alice',
        { list: 'mapUsers', line: 'userarn: arn:aws:iam::111122223333:user/alice' },
      ],
    ],
    [
      'the role in another account',
      { mapRoles: '- rolearn: arn:aws:iam::444455556666:role/bob-admin\n' },
      BOB_SESSION,
      [
        'wrong_account',
        'mapRoles',
        0,
        'rolearn: arn:aws:iam::444455556666:role/bob-admin',
        { list: 'mapRoles', line: BOB_FIX },
      ],
    ],
    [
      'a user ARN missing its path',
      { mapUsers: '- userarn: arn:aws:iam::111122223333:user/alice\n' },
      'arn:aws:iam::111122223333:user/ops/alice',
      [
        'user_arn_path_mismatch',
        'mapUsers',
        0,
        'userarn: arn:aws:iam::111122223333:user/alice',
        { list: 'mapUsers', line: 'userarn: arn:aws:iam::111122223333:user/ops/alice' },
      ],
    ],
    [
      'an sso matcher without the SSORoleMatch gate',
      { mapRoles: '- sso: {permissionSetName: AdminAccess, accountID: "111122223333"}\n' },
      SSO_ROLE,
      ['sso_matcher_unsupported', 'mapRoles', 0, 'sso: AdminAccess', { list: 'mapRoles', line: SSO_FIX }],
    ],
  ])('finds %s', (_, data, principal, expected) => {
    expect(misses(data, principal)).toEqual([expected]);
  });

  it('accepts the principal as the full role ARN IAM returns, path included', () => {
    const found = misses({ mapRoles: `- rolearn: ${BOB_ROLE_WITH_PATH}\n` }, BOB_ROLE_WITH_PATH);

    expect(found).toEqual([
      ['role_arn_has_path', 'mapRoles', 0, `rolearn: ${BOB_ROLE_WITH_PATH}`, { list: 'mapRoles', line: BOB_FIX }],
    ]);
  });

  it('never reports a case difference in the ARN: it matches', () => {
    expect(
      misses({ mapRoles: '- rolearn: ARN:AWS:IAM::111122223333:ROLE/BOB-ADMIN\n  groups: [edit]\n' }, BOB_SESSION),
    ).toEqual([]);
  });

  it('hints at a group whose case differs from the one RBAC binds', () => {
    const data = {
      mapRoles: '- rolearn: arn:aws:iam::111122223333:role/bob-admin\n  groups: [System:Masters, Team-Edit]\n',
    };

    const found = findNearMisses(parseAwsAuth(data), BOB_SESSION, { knownGroups: ['system:masters', 'team-edit'] });

    expect(found.map((m) => [m.kind, m.written, m.fix.line])).toEqual([
      ['username_or_group_case', 'System:Masters', '- system:masters'],
      ['username_or_group_case', 'Team-Edit', '- team-edit'],
    ]);
  });

  it('ignores entries meant for other principals, and non-IAM principals', () => {
    const data = {
      mapRoles:
        '- rolearn: arn:aws:iam::111122223333:role/platform/alice-admin\n- rolearn: arn:aws:iam::111122223333:role/bob\n',
    };

    expect(misses(data, BOB_SESSION)).toEqual([]);
    expect(misses(data, 'arn:aws:iam::111122223333:root')).toEqual([]);
    expect(misses(data, 'not an arn')).toEqual([]);
  });

  it('reports misses in document order, mapRoles before mapUsers', () => {
    const data = {
      mapRoles: `- rolearn: arn:aws:iam::444455556666:role/bob-admin\n- rolearn: ${BOB_ROLE_WITH_PATH}\n`,
      mapUsers: '- rolearn: arn:aws:iam::111122223333:role/bob-admin\n',
    };

    expect(misses(data, BOB_SESSION).map(([kind, list, index]) => [kind, list, index])).toEqual([
      ['wrong_account', 'mapRoles', 0],
      ['role_arn_has_path', 'mapRoles', 1],
      ['wrong_key', 'mapUsers', 0],
    ]);
  });
});
