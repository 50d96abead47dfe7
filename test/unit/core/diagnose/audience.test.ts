import { describe, expect, it } from 'vitest';
import {
  clusterApproverIds,
  diagnosisAudience,
  isClusterApprover,
  isOwnIdentity,
} from '../../../../src/core/diagnose/audience.ts';
import { asPersonId } from '../../../../src/core/ids.ts';
import { ACCOUNT, ROLE_ARN, ROLE_ARN_NO_PATH, SESSION_ARN } from './builders.ts';

const OTHER_ROLE = `arn:aws:iam::${ACCOUNT}:role/ops-admin`;
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;

describe("isOwnIdentity: the ARN is the asker's configured principal, compared as EKS would", () => {
  it.each([
    ['the same role ARN', ROLE_ARN, ROLE_ARN, true],
    ['a session of the mapped role', ROLE_ARN, SESSION_ARN, true],
    ['the role without its IAM path', ROLE_ARN, ROLE_ARN_NO_PATH, true],
    ['the role in other letter case', ROLE_ARN, ROLE_ARN.replace('bob-admin', 'Bob-Admin'), true],
    ['another role', ROLE_ARN, OTHER_ROLE, false],
    ['a session of another role', ROLE_ARN, `arn:aws:sts::${ACCOUNT}:assumed-role/ops-admin/bob`, false],
    ['the same role name in another account', ROLE_ARN, 'arn:aws:iam::999999999999:role/bob-admin', false],
    ['a user with another path', USER, `arn:aws:iam::${ACCOUNT}:user/team/alice`, false],
    ['the mapped user', USER, USER, true],
    ['nobody mapped', undefined, ROLE_ARN, false],
  ])('%s', (_, mapped, diagnosed, expected) => {
    expect(isOwnIdentity(mapped, diagnosed)).toBe(expected);
  });
});

describe('diagnosisAudience', () => {
  it.each([
    ['an approver asking about anyone', { isApprover: true, mapped: undefined, diagnosed: OTHER_ROLE }, 'full'],
    ['an approver asking about themselves', { isApprover: true, mapped: ROLE_ARN, diagnosed: SESSION_ARN }, 'full'],
    [
      'a mapped person asking about their own session',
      { isApprover: false, mapped: ROLE_ARN, diagnosed: SESSION_ARN },
      'own',
    ],
    [
      'a mapped person asking about someone else',
      { isApprover: false, mapped: ROLE_ARN, diagnosed: OTHER_ROLE },
      'stranger',
    ],
    ['an unmapped person pasting an ARN', { isApprover: false, mapped: undefined, diagnosed: ROLE_ARN }, 'stranger'],
  ] as const)('%s → %s', (_, input, expected) => {
    expect(diagnosisAudience(input)).toBe(expected);
  });
});

describe('cluster approvers', () => {
  const cluster = {
    approvers: ['U0APPROVER', 'S0ONCALL'],
    policies: { 'cluster-admin': { approvers: ['U0ADMINAPPROVER'] }, view: {} },
  };

  it('lists the cluster approvers and every per-level approver once', () => {
    expect(clusterApproverIds(cluster)).toEqual(['U0APPROVER', 'S0ONCALL', 'U0ADMINAPPROVER']);
  });

  it.each([
    ['a named approver', 'U0APPROVER', true],
    ['a per-level approver', 'U0ADMINAPPROVER', true],
    ['a member of an approver group', 'U0ONCALLMEMBER', true],
    ['anyone else', 'U0STRANGER', false],
  ])('%s: %s', (_, user, expected) => {
    expect(isClusterApprover(cluster, asPersonId(user), { S0ONCALL: [asPersonId('U0ONCALLMEMBER')] })).toBe(expected);
  });
});
