import { describe, expect, it } from 'vitest';
import { diagnose, sortFindings } from '../../../../src/core/diagnose/diagnose.ts';
import type { Finding } from '../../../../src/core/diagnose/finding.ts';
import {
  ACCOUNT,
  awsAuth,
  BOB_ITEM,
  CREATOR_ARN,
  entryFacts,
  healthy,
  known,
  NODE_ITEM,
  NOW,
  noEntry,
  ROLE_ARN,
  ROLE_ARN_NO_PATH,
  unknown,
  unmapped,
} from './builders.ts';

const OTHER_ROLE = `arn:aws:iam::${ACCOUNT}:role/readonly`;
const BROKEN_ROLES = `${NODE_ITEM}- rolearn: ${ROLE_ARN_NO_PATH}\n  groups: [view\n`;

function finding(rule: string, severity: Finding['severity']): Finding {
  return { rule, severity, title: rule, evidence: [], fix: '' };
}

function check(diagnosis: ReturnType<typeof diagnose>, label: string) {
  return diagnosis.checks.find((c) => c.label === label);
}

describe('diagnose: verdict and headline', () => {
  it('finds a problem when the principal is not mapped, and heads with that finding', () => {
    const diagnosis = diagnose(unmapped('API'));

    expect(diagnosis.verdict).toBe('problem');
    expect(diagnosis.findings.map((f) => f.rule)).toEqual(['no-access']);
    expect(diagnosis.headline).toBe(diagnosis.findings[0]?.title);
  });

  it('says "unknown" when facts are missing and nothing definite was found', () => {
    const evidence = unmapped('API_AND_CONFIG_MAP', { awsAuth: unknown('403 from the API server') });

    const diagnosis = diagnose(evidence);

    expect(diagnosis.verdict).toBe('unknown');
    expect(diagnosis.findings.map((f) => f.rule)).toEqual(['facts-unknown']);
    expect(diagnosis.headline).toContain('aws-auth');
    expect(check(diagnosis, 'aws-auth parses')).toEqual({
      label: 'aws-auth parses',
      result: 'unknown',
      detail: '403 from the API server',
    });
  });

  it('says "unknown" when the cluster could not be described', () => {
    const diagnosis = diagnose(healthy('API', { clusterInfo: unknown('DescribeCluster did not answer within 5 s') }));

    expect(diagnosis.verdict).toBe('unknown');
    expect(check(diagnosis, 'Cluster found and ACTIVE')?.result).toBe('unknown');
    expect(check(diagnosis, 'Authentication mode')?.result).toBe('unknown');
  });

  it('stays ok with a warning, and heads with the warning', () => {
    const diagnosis = diagnose(healthy('API', { ask: { isImpersonating: true } }));

    expect(diagnosis.verdict).toBe('ok');
    expect(diagnosis.headline).toBe(diagnosis.findings[0]?.title);
  });

  it('keeps "Access should work" with info findings, mentioning a recent grant', () => {
    const diagnosis = diagnose(healthy('API', { lastGrantAt: NOW - 20_000 }));

    expect(diagnosis.verdict).toBe('ok');
    expect(diagnosis.headline).toMatch(/^Access should work: access entry .*AmazonEKSViewPolicy.*wait about 2 minutes/);
  });

  it('treats the creator of a CONFIG_MAP cluster as an implicit admin', () => {
    const identity = { given: CREATOR_ARN, source: 'caller_identity' as const, iamArn: CREATOR_ARN };

    const diagnosis = diagnose(unmapped('CONFIG_MAP', { identity }));

    expect(diagnosis.verdict).toBe('ok');
    expect(diagnosis.headline).toContain('cluster creator');
  });

  it('is not ok for an entry without permissions (403)', () => {
    const diagnosis = diagnose(healthy('API', { accessEntry: known(entryFacts({ policies: [] })) }));

    expect(diagnosis.verdict).toBe('problem');
    expect(diagnosis.findings[0]?.symptom).toBe('forbidden');
    expect(check(diagnosis, 'Access policy associated (and scope)')?.result).toBe('fail');
  });
});

describe('diagnose: which findings and in what order', () => {
  it('orders by severity, then by the fixed rule order', () => {
    const evidence = healthy('CONFIG_MAP', {
      awsAuth: awsAuth({ mapRoles: BROKEN_ROLES, mapUsers: '' }),
      ask: { isImpersonating: true },
      lastGrantAt: NOW - 10_000,
      iam: known({ exists: false }),
    });

    const rules = diagnose(evidence).findings.map((f) => [f.severity, f.rule]);

    expect(rules).toEqual([
      ['urgent', 'aws-auth-unparseable'],
      ['blocker', 'principal-missing'],
      ['warning', 'impersonation'],
      ['info', 'recent-grant'],
    ]);
  });

  it('breaks severity ties with the rule order, unknown rules last; the identity mismatch leads', () => {
    const sorted = sortFindings([
      finding('no-access', 'blocker'),
      finding('something-new', 'blocker'),
      finding('recent-grant', 'info'),
      finding('identity-mismatch', 'blocker'),
      finding('aws-auth-unparseable', 'urgent'),
    ]);

    // identity-mismatch leads whatever the severity (issue 19, gap 3); the rest by severity, then rule order.
    expect(sorted.map((f) => f.rule)).toEqual([
      'identity-mismatch',
      'aws-auth-unparseable',
      'no-access',
      'something-new',
      'recent-grant',
    ]);
  });

  it('answers with the identity mismatch alone, not "not mapped", when another identity is in use', () => {
    const evidence = healthy('API', {
      identity: { given: OTHER_ROLE, source: 'caller_identity', mapped: ROLE_ARN, iamArn: OTHER_ROLE },
      iam: known({ exists: true, arn: OTHER_ROLE }),
      accessEntry: known({
        ...entryFacts({ allPrincipalArns: [CREATOR_ARN, ROLE_ARN] }),
        lookedUp: OTHER_ROLE,
        entry: undefined,
        policies: [],
      }),
    });

    const diagnosis = diagnose(evidence);

    expect(diagnosis.findings.map((f) => f.rule)).toEqual(['identity-mismatch']);
    expect(diagnosis.findings[0]?.isGrantFix).toBeUndefined();
  });

  it('prefers the precise spelling cause over "not mapped"', () => {
    const diagnosis = diagnose(healthy('API', { accessEntry: noEntry([CREATOR_ARN, ROLE_ARN_NO_PATH]) }));

    expect(diagnosis.findings.map((f) => f.rule)).toEqual(['entry-for-other-spelling']);
  });

  it('turns a throwing rule into an info finding instead of failing the diagnosis', () => {
    const evidence = healthy('API');
    Object.defineProperty(evidence, 'lastGrantAt', {
      get() {
        throw new Error('boom');
      },
    });

    const diagnosis = diagnose(evidence);

    expect(diagnosis.findings).toEqual([
      expect.objectContaining({ rule: 'recent-grant', severity: 'info', evidence: ['boom'] }),
    ]);
  });
});

describe('diagnose: checks', () => {
  it('lists what was checked on API_AND_CONFIG_MAP, with details', () => {
    const diagnosis = diagnose(unmapped('API_AND_CONFIG_MAP'));

    expect(diagnosis.checks.map((c) => [c.label, c.result])).toEqual([
      ['Cluster found and ACTIVE', 'pass'],
      ['Authentication mode', 'pass'],
      ['Identity parsed and matches the mapped one', 'pass'],
      ['IAM principal exists', 'pass'],
      ['Access entry exists', 'fail'],
      ['aws-auth parses', 'pass'],
      ['aws-auth maps the principal', 'fail'],
      ['Cluster creator', 'pass'],
    ]);
    expect(check(diagnosis, 'Access entry exists')?.detail).toBe(`none for ${ROLE_ARN}`);
    expect(check(diagnosis, 'Cluster creator')?.detail).toContain('CloudTrail CreateCluster event');
  });

  it('leaves out what the mode does not use', () => {
    const api = diagnose(healthy('API')).checks.map((c) => c.label);
    const configMap = diagnose(healthy('CONFIG_MAP')).checks.map((c) => c.label);

    expect(api).not.toContain('aws-auth parses');
    expect(configMap).not.toContain('Access entry exists');
    expect(configMap).toContain('aws-auth maps the principal');
  });

  it('shows the aws-auth line that maps the principal, and the parse error with its line', () => {
    const good = diagnose(healthy('CONFIG_MAP'));
    const broken = diagnose(healthy('CONFIG_MAP', { awsAuth: awsAuth({ mapRoles: BROKEN_ROLES + BOB_ITEM }) }));

    expect(check(good, 'aws-auth maps the principal')?.detail).toBe(
      'mapRoles line 6: username bob-admin:{{SessionName}}, groups eks-access:view',
    );
    expect(check(broken, 'aws-auth parses')).toMatchObject({
      result: 'fail',
      detail: expect.stringMatching(/mapRoles line \d+/),
    });
  });

  it('marks the namespace scope as failing when the namespace asked about is outside it', () => {
    const evidence = healthy('API', {
      ask: { namespace: 'prod' },
      accessEntry: known(
        entryFacts({
          policies: [
            { policyArn: entryFacts().policies[0]?.policyArn ?? '', scope: { type: 'namespace', namespaces: ['dev'] } },
          ],
        }),
      ),
    });

    const diagnosis = diagnose(evidence);

    expect(check(diagnosis, 'Access policy associated (and scope)')).toMatchObject({
      result: 'fail',
      detail: 'AmazonEKSViewPolicy (namespaces dev) (not prod)',
    });
  });

  it('marks the identity as unknown when only the mapped principal was checked', () => {
    const diagnosis = diagnose(healthy('API', { identity: { given: ROLE_ARN, source: 'mapped', mapped: ROLE_ARN } }));

    expect(check(diagnosis, 'Identity parsed and matches the mapped one')?.result).toBe('unknown');
  });
});
