import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../../src/core/diagnose/diagnose.ts';
import type { BindingFact, Evidence } from '../../../../src/core/diagnose/evidence.ts';
import { kubernetesUser, renderUsername } from '../../../../src/core/diagnose/kubernetes-user.ts';
import { ACCOUNT, CREATOR_ARN, healthy, known, noEntry, ROLE_ARN } from './builders.ts';

const OTHER_ROLE_FOR_TESTS = `arn:aws:iam::${ACCOUNT}:role/readonly`;
const DEV_SET = 'AWSReservedSSO_Dev_0123456789abcdef';
const DEV_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${DEV_SET}`;
const ERIN = 'erin@example.com';
const ERIN_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/${DEV_SET}/${ERIN}`;
const ERIN_USERNAME = `arn:aws:sts::${ACCOUNT}:assumed-role/${DEV_SET}/erin-example.com`;

const userBinding = (name: string, user: string): BindingFact => ({
  kind: 'ClusterRoleBinding',
  name,
  roleRef: { kind: 'ClusterRole', name: 'view' },
  subjects: [{ kind: 'User', name: user }],
});

function erin(bindings: BindingFact[], overrides: Partial<Evidence> = {}): Evidence {
  return healthy('API', {
    identity: { given: ERIN_SESSION, source: 'mapped', mapped: DEV_ROLE, mappedSession: ERIN, iamArn: DEV_ROLE },
    iam: known({ exists: true, arn: DEV_ROLE }),
    accessEntry: known({
      lookedUp: DEV_ROLE,
      entry: {
        principalArn: DEV_ROLE,
        type: 'STANDARD',
        username: `arn:aws:sts::${ACCOUNT}:assumed-role/${DEV_SET}/{{SessionName}}`,
        kubernetesGroups: [],
        tags: {},
      },
      policies: [],
      allPrincipalArns: [CREATOR_ARN, DEV_ROLE],
    }),
    rbac: known({ bindings }),
    ...overrides,
  });
}

describe('diagnosis for a session on a shared role', () => {
  it('renders the username EKS gives her session: no role path, @ as -', () => {
    expect(kubernetesUser(erin([]))?.username).toBe(ERIN_USERNAME);
    expect(renderUsername('sso:{{SessionNameRaw}}', ACCOUNT, ERIN)).toBe(`sso:${ERIN}`);
    expect(renderUsername('sso:{{SessionName}}', ACCOUNT, undefined)).toBeUndefined();
  });

  it('says access works when a binding names her session username (no policy on the shared role)', () => {
    const diagnosis = diagnose(erin([userBinding('eks-access-erin', ERIN_USERNAME)]));

    expect(diagnosis.verdict).toBe('ok');
    expect(diagnosis.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(diagnosis.checks.find((c) => c.label === 'RBAC binds the username or a group')).toEqual({
      label: 'RBAC binds the username or a group',
      result: 'pass',
      detail: 'eks-access-erin (user)',
    });
  });

  it('names the @ spelling of the binding as the cause, and binds the rendered name', () => {
    const atSpelling = `arn:aws:sts::${ACCOUNT}:assumed-role/${DEV_SET}/${ERIN}`;
    const diagnosis = diagnose(erin([userBinding('erin', atSpelling)]));

    expect(diagnosis.verdict).toBe('problem');
    expect(diagnosis.headline).toBe(`A binding names ${atSpelling}, but EKS renders your username as ${ERIN_USERNAME}`);
    expect(diagnosis.findings.map((f) => f.rule)).not.toContain('rbac-unbound');
    expect(diagnosis.findings.map((f) => f.rule)).not.toContain('entry-without-permissions');
  });

  it('leads with her ended grant when nothing binds her any more', () => {
    const diagnosis = diagnose(
      erin([], { endedGrant: { requestId: 'r-1', level: 'view', reason: 'expired', at: Date.UTC(2025, 0, 14) } }),
    );

    expect(diagnosis.headline).toBe('Your eks-access view grant on prod-cluster expired at 2025-01-14T00:00:00Z');
    expect(diagnosis.findings.filter((f) => f.severity !== 'info').map((f) => f.rule)).toEqual(['grant-ended']);
  });
});

describe('a stated identity that is not the mapped one (gap 3)', () => {
  it('leads with the mismatch, then says what the pasted principal itself has', () => {
    const diagnosis = diagnose(
      healthy('API', {
        identity: { given: OTHER_ROLE_FOR_TESTS, source: 'pasted_arn', mapped: ROLE_ARN, iamArn: OTHER_ROLE_FOR_TESTS },
        iam: known({ exists: true, arn: OTHER_ROLE_FOR_TESTS }),
        accessEntry: noEntry([CREATOR_ARN, ROLE_ARN]),
      }),
    );

    expect(diagnosis.verdict).toBe('problem');
    expect(diagnosis.headline).toBe(`The ARN given is not ${ROLE_ARN}, the identity mapped for you`);
    expect(diagnosis.findings.map((f) => f.rule)).toEqual(['identity-mismatch', 'no-access']);
  });
});
