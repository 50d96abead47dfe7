import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../../src/core/diagnose/diagnose.ts';
import {
  credentialsRejectedDiagnosis,
  doctorJson,
  doctorText,
  unreadEvidence,
} from '../../../../src/core/diagnose/doctor-report.ts';
import type { Evidence, Known } from '../../../../src/core/diagnose/evidence.ts';
import { notChecked } from '../../../../src/core/diagnose/not-checked.ts';
import type { ReaderFacts } from '../../../../src/core/diagnose/reader.ts';
import { ACCOUNT, healthy, SESSION_ARN, unmapped } from './builders.ts';

const READER: ReaderFacts = {
  profile: 'dev',
  profileExists: true,
  profileIsSso: true,
  knownProfiles: ['dev'],
  hasEnvKeys: false,
  caller: { ok: true, arn: SESSION_ARN, account: ACCOUNT },
};

function failed(
  reason: string,
  failure: NonNullable<Extract<Known<never>, { known: false }>['failure']>,
): Known<never> {
  return { known: false, reason, failure };
}

describe('notChecked', () => {
  it.each([
    [
      '401 to the caller',
      {
        reader: READER,
        awsAuth: failed('x', { kind: 'cluster_unauthorized', upstream: 'Kubernetes 401 Unauthorized' }),
      },
      { what: 'aws-auth', why: `not read: the cluster answered 401 (Unauthorized) to your token (${SESSION_ARN})` },
    ],
    [
      '401 to an assumed role',
      {
        reader: { ...READER, role: { arn: 'arn:aws:iam::111122223333:role/admin', source: 'option' as const } },
        awsAuth: failed('x', { kind: 'cluster_unauthorized' }),
      },
      {
        what: 'aws-auth',
        why: 'not read: the cluster answered 401 (Unauthorized) to the token of arn:aws:iam::111122223333:role/admin',
      },
    ],
    [
      'AccessDenied on one call',
      {
        accessEntry: failed('x', {
          kind: 'denied',
          upstream: 'AccessDeniedException',
          operation: 'eks:ListAccessEntries',
        }),
      },
      { what: 'access entries', why: 'not read: AccessDeniedException on eks:ListAccessEntries' },
    ],
    [
      'a timeout keeps the look-up’s own reason',
      { creator: failed('the creator look-up did not answer within 5 s', { kind: 'timeout' }) },
      { what: 'cluster creator', why: 'not read: the creator look-up did not answer within 5 s' },
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(notChecked(unmapped('API_AND_CONFIG_MAP', overrides))).toEqual([expected]);
  });

  it('leaves out what does not apply: access entries on a CONFIG_MAP cluster', () => {
    expect(notChecked(healthy('CONFIG_MAP'))).toEqual([]);
  });
});

describe('doctorText', () => {
  it('starts with the credentials used, then the diagnosis, with what could not be checked below the checks', () => {
    const evidence: Evidence = unmapped('API_AND_CONFIG_MAP', {
      reader: READER,
      awsAuth: failed('reading aws-auth failed: Kubernetes 401 Unauthorized', { kind: 'cluster_unauthorized' }),
    });

    const lines = doctorText(diagnose(evidence), evidence).split('\n');

    expect(lines[0]).toBe(`Credentials: ${SESSION_ARN} (account ${ACCOUNT}), from profile dev (AWS_PROFILE, SSO)`);
    expect(lines).toContain(
      `PROBLEM: Your identity ${SESSION_ARN} is not authorized on prod-cluster: the cluster answered 401 to its token. This is the lock-out`,
    );
    const notCheckedAt = lines.indexOf('Not checked:');
    expect(notCheckedAt).toBeGreaterThan(lines.indexOf('Checks:'));
    expect(notCheckedAt).toBeLessThan(lines.indexOf('Findings:'));
    expect(lines[notCheckedAt + 1]).toContain('  - aws-auth: not read: the cluster answered 401');
  });

  it('without a reader (the Slack path) adds nothing', () => {
    const evidence = healthy('API');

    expect(doctorText(diagnose(evidence), evidence).split('\n')[0]).toBe(
      'eks-access doctor: prod-cluster (eu-west-1, account 111122223333)',
    );
  });
});

describe('refused credentials', () => {
  const reader: ReaderFacts = {
    ...READER,
    caller: { ok: false, problem: 'missing', upstream: 'CredentialsProviderError' },
  };
  const base = healthy('API');
  const evidence = unreadEvidence({ cluster: base.cluster, identity: base.identity, now: base.now, ask: {}, reader });

  it('says why first with the fix, and lists every check as not run with the reason', () => {
    const diagnosis = credentialsRejectedDiagnosis(evidence);
    const lines = doctorText(diagnosis, evidence).split('\n');

    expect(lines.slice(0, 3)).toEqual([
      'Credentials: REJECTED by AWS (CredentialsProviderError), from profile dev (AWS_PROFILE, SSO)',
      'The SSO session of profile dev has expired (or you have not logged in yet).',
      'Fix: aws sso login --profile dev',
    ]);
    expect(diagnosis.checks).toHaveLength(6);
    expect(
      diagnosis.checks.every((c) => c.result === 'unknown' && c.detail?.includes('CredentialsProviderError')),
    ).toBe(true);
    expect(diagnosis.findings[0]).toMatchObject({
      rule: 'credentials-rejected',
      fixCommand: 'aws sso login --profile dev',
    });
  });

  it('as JSON: the credentials, the fix and every look-up not made', () => {
    const json = doctorJson(credentialsRejectedDiagnosis(evidence), evidence);

    expect(json.credentials).toEqual({
      source: 'profile dev (AWS_PROFILE, SSO)',
      profile: 'dev',
      callerArn: null,
      account: null,
      rejected: 'CredentialsProviderError',
      problem: 'The SSO session of profile dev has expired (or you have not logged in yet).',
      fixCommand: 'aws sso login --profile dev',
      readsAs: null,
    });
    expect(json.notChecked).toHaveLength(5);
    expect(json.checks.length).toBeGreaterThan(0);
  });
});
