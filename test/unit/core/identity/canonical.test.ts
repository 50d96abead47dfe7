import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalCallerArn, sameArnIgnoringCase } from '../../../../src/core/identity/canonical.ts';

describe('canonical caller ARN (what the authenticator compares)', () => {
  it.each([
    [
      'arn:aws:sts::111122223333:assumed-role/bob-admin/bob@example.com',
      'arn:aws:iam::111122223333:role/bob-admin',
      'role',
      'bob@example.com',
    ],
    [
      'arn:aws-cn:sts::111122223333:assumed-role/AWSReservedSSO_Dev_0a1b2c3d4e5f6a7b/alice',
      'arn:aws-cn:iam::111122223333:role/AWSReservedSSO_Dev_0a1b2c3d4e5f6a7b',
      'role',
      'alice',
    ],
    [
      'arn:aws:iam::111122223333:role/platform/bob-admin',
      'arn:aws:iam::111122223333:role/platform/bob-admin',
      'role',
      '',
    ],
    ['arn:aws:iam::111122223333:user/ops/alice', 'arn:aws:iam::111122223333:user/ops/alice', 'user', ''],
    ['arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:root', 'root', ''],
    [
      'arn:aws:sts::111122223333:federated-user/carol',
      'arn:aws:sts::111122223333:federated-user/carol',
      'federated-user',
      'carol',
    ],
  ])('%s → %s', (caller, arn, principalType, sessionName) => {
    expect(canonicalCallerArn(caller)).toEqual({
      kind: 'canonical',
      arn,
      partition: caller.split(':')[1],
      account: '111122223333',
      principalType,
      sessionName,
    });
  });

  it.each([
    ['arn:evil:sts::111122223333:assumed-role/bob/s', 'unknown partition'],
    ['arn:aws:sts::111122223333:assumed-role/bob', 'does not name a role'],
    ['arn:aws:iam::111122223333:group/devs', 'unrecognized resource'],
    ['arn:aws:s3:::bucket/key', 'not a valid service'],
    ['arn:aws:iam::111122223333', 'not of the form'],
    ['role/bob', 'does not start with'],
  ])('refuses %s', (caller, reason) => {
    const result = canonicalCallerArn(caller);

    expect(result.kind).toBe('invalid');
    expect('reason' in result && result.reason).toContain(reason);
  });

  it('compares ARNs ignoring case, like Go strings.EqualFold', () => {
    expect(
      sameArnIgnoringCase('arn:aws:iam::111122223333:role/Bob-Admin', 'ARN:AWS:IAM::111122223333:ROLE/bob-admin'),
    ).toBe(true);
    expect(sameArnIgnoringCase('arn:aws:iam::111122223333:role/bob', 'arn:aws:iam::111122223333:role/path/bob')).toBe(
      false,
    );
  });

  it('never throws and always yields an IAM role for a session', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,20}$/);
    fc.assert(
      fc.property(fc.string(), name, name, (junk, role, session) => {
        expect(typeof canonicalCallerArn(junk).kind).toBe('string');
        const result = canonicalCallerArn(`arn:aws:sts::111122223333:assumed-role/${role}/${session}`);
        expect(result).toMatchObject({ arn: `arn:aws:iam::111122223333:role/${role}`, sessionName: session });
      }),
    );
  });
});
