import { describe, expect, it } from 'vitest';
import { ssoRole } from '../../../../src/core/identity/sso.ts';

describe('IAM Identity Center roles', () => {
  it.each([
    [
      'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdminAccess_0123456789abcdef',
      {
        isSso: true,
        permissionSet: 'AdminAccess',
        suffix: '0123456789abcdef',
        region: 'eu-west-1',
        hasReservedPath: true,
      },
    ],
    [
      'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_Team_0a1b2c3d4e5f6a7b',
      { isSso: true, permissionSet: 'Dev_Team', suffix: '0a1b2c3d4e5f6a7b', hasReservedPath: true },
    ],
    [
      'arn:aws:iam::111122223333:role/AWSReservedSSO_ReadOnly_0a1b2c3d4e5f6a7b',
      { isSso: true, permissionSet: 'ReadOnly', suffix: '0a1b2c3d4e5f6a7b', hasReservedPath: false },
    ],
    [
      'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ReadOnly_0a1b2c3d4e5f6a7b/alice@example.com',
      { isSso: true, permissionSet: 'ReadOnly', suffix: '0a1b2c3d4e5f6a7b', hasReservedPath: false },
    ],
  ])('recognizes %s', (arn, expected) => {
    expect(ssoRole(arn)).toEqual(expected);
  });

  it.each([
    ['an ordinary role', 'arn:aws:iam::111122223333:role/platform/bob-admin'],
    ['an SSO-looking name under another path', 'arn:aws:iam::111122223333:role/custom/AWSReservedSSO_X_0123abcd'],
    [
      'a bad Region segment',
      'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/nowhere/AWSReservedSSO_X_0a',
    ],
    ['a name without the hex suffix', 'arn:aws:iam::111122223333:role/AWSReservedSSO_Admin'],
    ['a user', 'arn:aws:iam::111122223333:user/AWSReservedSSO_X_0a'],
    ['not an ARN', 'AWSReservedSSO_X_0a'],
  ])('does not mistake %s for SSO', (_, arn) => {
    expect(ssoRole(arn)).toEqual({ isSso: false });
  });
});
