import { describe, expect, it } from 'vitest';
import {
  credentialAdvice,
  credentialsLine,
  type ReaderFacts,
  readsAsLine,
} from '../../../../src/core/diagnose/reader.ts';

const OK = { ok: true as const, arn: 'arn:aws:iam::111122223333:user/alice', account: '111122223333' };

function reader(overrides: Partial<ReaderFacts>): ReaderFacts {
  return { knownProfiles: [], hasEnvKeys: false, caller: OK, ...overrides };
}

const refused = (problem: 'expired' | 'invalid' | 'missing', upstream: string) => ({
  ok: false as const,
  problem,
  upstream,
});

describe('credentialsLine', () => {
  it.each([
    [
      reader({ profile: 'dev', profileExists: true, profileIsSso: true }),
      `Credentials: ${OK.arn} (account 111122223333), from profile dev (AWS_PROFILE, SSO)`,
    ],
    [
      reader({ hasEnvKeys: true }),
      `Credentials: ${OK.arn} (account 111122223333), from the default credential chain (AWS_ACCESS_KEY_ID in the environment)`,
    ],
    [
      reader({ caller: refused('expired', 'ExpiredToken') }),
      'Credentials: REJECTED by AWS (ExpiredToken), from the default credential chain (AWS_PROFILE not set)',
    ],
    [
      reader({ caller: { ok: false, upstream: 'TimeoutError' } }),
      'Credentials: from the default credential chain (AWS_PROFILE not set); sts:GetCallerIdentity failed (TimeoutError)',
    ],
  ])('%#: %s', (facts, line) => {
    expect(credentialsLine(facts)).toBe(line);
  });
});

describe('readsAsLine', () => {
  it('names the assumed role and where it came from, and is absent without one', () => {
    const role = 'arn:aws:iam::111122223333:role/admin';

    expect(readsAsLine(reader({ role: { arn: role, source: 'option' } }))).toBe(
      `Cluster reads: as ${role} (assumed, with --role-arn)`,
    );
    expect(readsAsLine(reader({ role: { arn: role, source: 'config' } }))).toContain("the cluster's roleArn");
    expect(readsAsLine(reader({}))).toBeUndefined();
  });
});

describe('credentialAdvice: why AWS refused the credentials and the command that fixes it', () => {
  it.each([
    [
      'SSO profile, session expired',
      reader({
        profile: 'dev',
        profileExists: true,
        profileIsSso: true,
        caller: refused('missing', 'CredentialsProviderError'),
      }),
      'aws sso login --profile dev',
      'SSO session of profile dev has expired',
    ],
    [
      'SSO profile, expired token',
      reader({ profile: 'dev', profileExists: true, profileIsSso: true, caller: refused('expired', 'ExpiredToken') }),
      'aws sso login --profile dev',
      'has expired',
    ],
    [
      'key profile, unknown key',
      reader({ profile: 'ops', profileExists: true, caller: refused('invalid', 'InvalidClientTokenId') }),
      'aws configure --profile ops',
      'does not know the access key of profile ops',
    ],
    [
      'key profile, expired session',
      reader({ profile: 'ops', profileExists: true, caller: refused('expired', 'ExpiredToken') }),
      'aws configure --profile ops',
      'session credentials of profile ops have expired',
    ],
    [
      'profile that does not exist',
      reader({
        profile: 'typo',
        profileExists: false,
        knownProfiles: ['dev', 'ops'],
        caller: refused('missing', 'CredentialsProviderError'),
      }),
      'export AWS_PROFILE=dev',
      'in neither ~/.aws/config',
    ],
    [
      'profile that does not exist, no profiles at all',
      reader({ profile: 'typo', profileExists: false, caller: refused('missing', 'CredentialsProviderError') }),
      'aws configure sso',
      'AWS_PROFILE=typo',
    ],
    [
      'nothing at all',
      reader({ caller: refused('missing', 'CredentialsProviderError') }),
      'aws configure',
      'No AWS credentials were found',
    ],
    [
      'nothing set, but profiles exist',
      reader({ knownProfiles: ['dev'], caller: refused('missing', 'CredentialsProviderError') }),
      'export AWS_PROFILE=dev',
      'AWS_PROFILE is not set',
    ],
    [
      'expired keys in the environment',
      reader({ hasEnvKeys: true, caller: refused('expired', 'ExpiredToken') }),
      'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN; aws configure',
      'AWS_ACCESS_KEY_ID belongs to a session that has expired',
    ],
    [
      'unknown key in the environment, a profile to use',
      reader({ hasEnvKeys: true, knownProfiles: ['dev'], caller: refused('invalid', 'UnrecognizedClientException') }),
      'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN; export AWS_PROFILE=dev',
      'is not one AWS knows',
    ],
  ])('%s', (_name, facts, command, problem) => {
    const advice = credentialAdvice(facts);

    expect(advice?.command).toBe(command);
    expect(advice?.problem).toContain(problem);
  });

  it('lists the other profiles to pick from', () => {
    const facts = reader({
      profile: 'dev',
      profileExists: true,
      profileIsSso: true,
      knownProfiles: ['dev', 'ops', 'prod'],
      caller: refused('missing', 'CredentialsProviderError'),
    });

    expect(credentialAdvice(facts)?.note).toBe('Profiles in your AWS config: ops, prod');
  });

  it.each([
    ['accepted credentials', reader({})],
    [
      'a failure that is not about the credentials (a timeout)',
      reader({ caller: { ok: false, upstream: 'TimeoutError' } }),
    ],
  ])('gives no advice for %s', (_name, facts) => {
    expect(credentialAdvice(facts)).toBeUndefined();
  });
});
