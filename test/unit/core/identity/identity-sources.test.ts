import { describe, expect, it } from 'vitest';
import { identityFromLink, ssoSessionName } from '../../../../src/core/identity/identity-sources.ts';

describe('ssoSessionName: the IAM Identity Center session from a Slack profile email', () => {
  it.each([
    ['alice@example.com', 'email', { session: 'alice@example.com' }],
    ['alice@example.com', 'email-local-part', { session: 'alice' }],
    ['  erin.o+ops@example.co.uk ', 'email-local-part', { session: 'erin.o+ops' }],
    [undefined, 'email', { problem: 'no_email' }],
    ['', 'email', { problem: 'no_email' }],
    ['not-an-email', 'email', { problem: 'no_email' }],
    ['a@example.com', 'email-local-part', { problem: 'invalid_session' }],
    [`${'x'.repeat(60)}@example.com`, 'email', { problem: 'invalid_session' }],
    ['al ice@example.com', 'email', { problem: 'invalid_session' }],
  ] as const)('%j as %s → %j', (email, form, expected) => {
    expect(ssoSessionName(email, form)).toEqual(expected);
  });
});

describe('identityFromLink: a proved identity applies only in its own account', () => {
  const roleLink = {
    principalArn: 'arn:aws:iam::111122223333:role/AWSReservedSSO_Developer_0123abcd',
    session: 'erin@example.com',
    account: '111122223333',
  };

  it('a role link is that person’s session on the role', () => {
    expect(identityFromLink(roleLink, '111122223333')).toEqual({
      kind: 'session',
      roleArn: roleLink.principalArn,
      session: 'erin@example.com',
      source: 'link',
    });
  });

  it('a user link is the IAM user', () => {
    const link = { principalArn: 'arn:aws:iam::111122223333:user/erin', account: '111122223333' };

    expect(identityFromLink(link, '111122223333')).toEqual({
      kind: 'principal',
      arn: link.principalArn,
      source: 'link',
    });
  });

  it('a link in another account says nothing about this cluster', () => {
    expect(identityFromLink(roleLink, '444455556666')).toBeUndefined();
    expect(identityFromLink({ ...roleLink, account: '444455556666' }, '444455556666')).toBeUndefined();
  });
});
