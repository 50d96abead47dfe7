import { describe, expect, it } from 'vitest';
import type { PersonIdentity } from '../../../../src/core/identity/person-identity.ts';
import { sharedRoleOf } from '../../../../src/core/identity/shared-role.ts';
import { asPrincipalArn } from '../../../../src/core/ids.ts';
import { needsStepUp } from '../../../../src/core/request/step-up.ts';
import { pendingRequest } from '../request/fixtures.ts';

const SSO_ROLE = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123abcd';
const TEAM_ROLE = 'arn:aws:iam::111122223333:role/teams/platform';
const principal = (arn: string): PersonIdentity => ({ kind: 'principal', arn: asPrincipalArn(arn), source: 'users' });

describe('sharedRoleOf: a grant to a whole principal others sign in to', () => {
  it('an IAM Identity Center role is shared, with or without its reserved path, and so is a session ARN on it', () => {
    const pathless = 'arn:aws:iam::111122223333:role/AWSReservedSSO_Developer_0123abcd';
    const session = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_0123abcd/alice@example.com';

    for (const arn of [SSO_ROLE, pathless, session]) {
      expect(sharedRoleOf(principal(arn), { users: {} })).toEqual({ roleArn: arn, reason: 'sso-reserved' });
    }
  });

  it('a role listed under identity.sso is shared, whatever path or case the request spells it with', () => {
    const sources = { users: {}, identity: { sso: [{ roleArn: TEAM_ROLE }] } };

    expect(sharedRoleOf(principal('arn:aws:iam::111122223333:role/Platform'), sources)).toEqual({
      roleArn: 'arn:aws:iam::111122223333:role/Platform',
      reason: 'identity-sso',
    });
    expect(sharedRoleOf(principal('arn:aws:iam::444455556666:role/teams/platform'), sources)).toBeUndefined();
  });

  it('a principal users: maps to two or more people is shared; to one person it is not', () => {
    const users = {
      U0ALICE: TEAM_ROLE,
      U0BOB: { role: 'arn:aws:iam::111122223333:role/platform', session: 'bob' },
      U0CAROL: 'arn:aws:iam::111122223333:user/carol',
    };

    expect(sharedRoleOf(principal(TEAM_ROLE), { users })).toEqual({
      roleArn: TEAM_ROLE,
      reason: 'several-users',
      people: 2,
    });
    expect(sharedRoleOf(principal('arn:aws:iam::111122223333:user/carol'), { users })).toBeUndefined();
  });

  it('a session identity is never shared: its grant binds one session’s username', () => {
    const session: PersonIdentity = {
      kind: 'session',
      roleArn: asPrincipalArn(SSO_ROLE),
      session: 'alice@example.com',
      source: 'sso',
    };

    expect(sharedRoleOf(session, { users: { U0A: SSO_ROLE, U0B: SSO_ROLE } })).toBeUndefined();
  });
});

describe('step-up for a shared role', () => {
  it('is needed at any level once the request carries sharedRole, and not for the same level without it', () => {
    const shared = pendingRequest({ level: 'view', sharedRole: { roleArn: SSO_ROLE, reason: 'sso-reserved' } });

    expect(needsStepUp(shared)).toBe(true);
    expect(needsStepUp(shared, [])).toBe(true);
    expect(needsStepUp(pendingRequest({ level: 'view' }))).toBe(false);
  });
});
