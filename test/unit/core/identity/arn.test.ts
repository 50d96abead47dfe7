import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accessEntryArn, awsAuthArn, parseArn, roleNameToResolve } from '../../../../src/core/identity/arn.ts';

describe('principal ARNs', () => {
  it.each([
    [
      'arn:aws:iam::111122223333:role/platform/bob-admin',
      { kind: 'role', partition: 'aws', account: '111122223333', path: '/platform/', name: 'bob-admin' },
    ],
    [
      'arn:aws:iam::111122223333:user/alice',
      { kind: 'user', partition: 'aws', account: '111122223333', path: '/', name: 'alice' },
    ],
    [
      'arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com',
      {
        kind: 'assumed-role',
        partition: 'aws',
        account: '111122223333',
        roleName: 'Admin',
        sessionName: 'alice@example.com',
      },
    ],
    [
      'arn:aws-cn:iam::111122223333:role/aws-reserved/sso.amazonaws.com/cn-north-1/AWSReservedSSO_Dev_0123abcd',
      {
        kind: 'role',
        partition: 'aws-cn',
        account: '111122223333',
        path: '/aws-reserved/sso.amazonaws.com/cn-north-1/',
        name: 'AWSReservedSSO_Dev_0123abcd',
      },
    ],
    ['arn:aws:iam::111122223333:root', { kind: 'root', partition: 'aws', account: '111122223333' }],
    [
      'arn:aws:sts::111122223333:federated-user/carol',
      { kind: 'federated-user', partition: 'aws', account: '111122223333', name: 'carol' },
    ],
  ])('parses %s', (input, expected) => {
    expect(parseArn(input)).toEqual(expected);
  });

  it.each([
    ['arn:aws:iam::111122223333:role/bob\nrolearn: x', 'whitespace'],
    ['arn:aws:iam::1111:role/bob', '12 digits'],
    ['arn:aws:s3:::bucket', 'the account must be 12 digits'],
    ['arn:aws:iam::111122223333', 'not of the form'],
    ['arn:aws:iam:us-east-1:111122223333:role/bob', 'empty region'],
    ['arn:aws:iam::111122223333:group/devs', 'not a user or role'],
    ['arn:aws:iam::111122223333:role/a//b', 'path'],
    ['arn:evil:iam::111122223333:role/bob', 'partition'],
    ['arn:aws:iam::111122223333:role/{{SessionName}}', 'not a valid role name'],
    ['arn:aws:sts::111122223333:assumed-role/OnlyRole', 'STS ARNs'],
  ])('rejects %j', (input, reason) => {
    const parsed = parseArn(input);

    expect(parsed.kind).toBe('invalid');
    expect('reason' in parsed && parsed.reason).toContain(reason);
  });

  it('spells a pathed role two ways: full for access entries, path-less for aws-auth', () => {
    const role = parseArn('arn:aws:iam::111122223333:role/platform/bob-admin');
    if (role.kind !== 'role') throw new Error('expected a role');

    expect(accessEntryArn(role)).toBe('arn:aws:iam::111122223333:role/platform/bob-admin');
    expect(awsAuthArn(role)).toBe('arn:aws:iam::111122223333:role/bob-admin');
  });

  it('never offers a session ARN to EKS; it names the role IAM must resolve', () => {
    const session = parseArn('arn:aws:sts::111122223333:assumed-role/bob-admin/bob');
    if (session.kind !== 'assumed-role') throw new Error('expected an assumed role');

    expect(accessEntryArn(session)).toBeUndefined();
    expect(roleNameToResolve(session)).toBe('bob-admin');
    expect(awsAuthArn(session)).toBe('arn:aws:iam::111122223333:role/bob-admin');
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), (input) => {
        const parsed = parseArn(input);
        expect(typeof parsed.kind).toBe('string');
      }),
    );
  });

  it('round-trips any valid role ARN through its access-entry spelling', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,20}$/);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), segment, (path, name) => {
        const arn = `arn:aws:iam::111122223333:role/${[...path, name].join('/')}`;
        const parsed = parseArn(arn);
        expect(parsed.kind).toBe('role');
        if (parsed.kind === 'role') expect(accessEntryArn(parsed)).toBe(arn);
      }),
    );
  });
});
