import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../../src/core/diagnose/diagnose.ts';
import { diagnosisMessage } from '../../../../src/core/diagnose/diagnosis-message.ts';
import type { Evidence } from '../../../../src/core/diagnose/evidence.ts';
import type { Finding } from '../../../../src/core/diagnose/finding.ts';
import { PUBLIC_TEXT, publicFinding } from '../../../../src/core/diagnose/public-text.ts';
import { diagnosisFor, publicFactsOf } from '../../../../src/core/diagnose/redact.ts';
import { RULE_IDS } from '../../../../src/core/diagnose/rules/index.ts';
import {
  ACCOUNT,
  ADMIN_POLICY,
  awsAuth,
  CREATOR_ARN,
  entryFacts,
  healthy,
  known,
  NODE_ITEM,
  noEntry,
  ROLE_ARN,
  SESSION_ARN,
  unmapped,
} from './builders.ts';

const ASKER = `arn:aws:iam::${ACCOUNT}:user/stranger`;
const OPS_ROLE = `arn:aws:iam::${ACCOUNT}:role/ops-admin`;
const OPS_ITEM = `- rolearn: ${OPS_ROLE}\n  username: ops-secret-user\n  groups:\n    - system:masters\n`;
// Meant for Bob but written with a session ARN: the near-miss rules quote it, groups and all.
const BOB_SESSION_ITEM = `- rolearn: ${SESSION_ARN}\n  username: bob-secret-name\n  groups:\n    - bob-secret-group\n`;

/** What a stranger must never read: other principals, their groups and policies, the creator, CloudTrail. */
const SECRETS = [
  'system:masters',
  'system:nodes',
  'ops-admin',
  'ops-secret-user',
  'eks-node-role',
  'bob-secret-name',
  'bob-secret-group',
  'cluster-creator',
  'CloudTrail',
  'AmazonEKSClusterAdminPolicy',
  'AmazonEKSViewPolicy',
  'eks-access:view',
];

/** The ARN pasted by someone else: mapped to their own principal, or (`mapped` null) not in `users` at all. */
function asStranger(e: Evidence, mapped: string | null = ASKER): Evidence {
  const { mapped: _, ...identity } = e.identity;
  return { ...e, identity: { ...identity, source: 'pasted_arn', ...(mapped ? { mapped } : {}) } };
}

function strangerText(e: Evidence): string {
  const message = diagnosisMessage(diagnosisFor('stranger', diagnose(e), e), e, 'stranger');
  return JSON.stringify(message);
}

const SCENARIOS: [string, Evidence][] = [
  [
    'not mapped, with another principal in system:masters',
    asStranger(
      unmapped('API_AND_CONFIG_MAP', {
        awsAuth: awsAuth({ mapRoles: NODE_ITEM + OPS_ITEM }),
        accessEntry: noEntry([CREATOR_ARN, OPS_ROLE]),
      }),
    ),
  ],
  [
    'not mapped on CONFIG_MAP',
    asStranger(unmapped('CONFIG_MAP', { awsAuth: awsAuth({ mapRoles: NODE_ITEM + OPS_ITEM }) })),
  ],
  [
    'mapped by a session ARN (near miss)',
    asStranger(unmapped('CONFIG_MAP', { awsAuth: awsAuth({ mapRoles: NODE_ITEM + OPS_ITEM + BOB_SESSION_ITEM }) })),
  ],
  [
    'with cluster-admin through an access entry (ok)',
    asStranger(
      healthy('API', {
        accessEntry: known(
          entryFacts({
            policies: [{ policyArn: ADMIN_POLICY, scope: { type: 'cluster' } }],
            allPrincipalArns: [CREATOR_ARN, ROLE_ARN, OPS_ROLE],
          }),
        ),
      }),
      null,
    ),
  ],
  [
    'with view through an access entry (ok)',
    asStranger(healthy('API_AND_CONFIG_MAP', { awsAuth: awsAuth({ mapRoles: NODE_ITEM + OPS_ITEM }) })),
  ],
  [
    'aws-auth unparseable',
    asStranger(unmapped('CONFIG_MAP', { awsAuth: awsAuth({ mapRoles: `${OPS_ITEM}  - bad: [` }) })),
  ],
  [
    'folded groups on a node item',
    asStranger(
      unmapped('CONFIG_MAP', {
        awsAuth: awsAuth({
          mapRoles: `- rolearn: arn:aws:iam::${ACCOUNT}:role/eks-node-role\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n      - system:masters\n`,
        }),
      }),
    ),
  ],
];

describe("a stranger's diagnosis", () => {
  it.each(SCENARIOS)('%s: names none of the other principals, groups, policies or the creator', (_, e) => {
    const full = JSON.stringify(diagnosisMessage(diagnose(e), e));
    const text = strangerText(e);

    // The full answer does carry some of them, so the scenario is a real test of the redaction.
    expect(SECRETS.some((secret) => full.includes(secret))).toBe(true);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('Summary only');
    expect(text).toContain(`eks-access doctor --cluster prod-cluster --arn ${e.identity.given}`);
  });

  it('keeps the verdict, the cause and the fix for the ARN given', () => {
    const e = SCENARIOS[0]?.[1] as Evidence;
    const full = diagnose(e);

    const shown = diagnosisFor('stranger', full, e);

    expect(shown.verdict).toBe('problem');
    expect(shown.findings.map((f) => f.rule)).toEqual(full.findings.map((f) => f.rule));
    // The ARN given is not the asker's own: that leads (issue 19, gap 3); its own mapping follows.
    expect(shown.headline).toBe(`The ARN given is not ${ASKER}, the identity mapped for you`);
    expect(shown.findings.map((f) => f.rule)).toEqual(['identity-mismatch', 'no-access']);
    expect(shown.findings[1]?.title).toBe(`${ROLE_ARN} is not mapped on prod-cluster`);
    expect(shown.findings[1]?.fix).toMatch(/Request access for it/);
    expect(shown.findings.every((f) => f.evidence.length === 0 && f.isGrantFix !== true)).toBe(true);
    expect(shown.checks.every((c) => c.detail === undefined)).toBe(true);
    expect(shown.checks.map((c) => c.label)).not.toContain('Cluster creator');
  });

  it('says access should work without naming the policies that make it work', () => {
    const e = SCENARIOS[3]?.[1] as Evidence;

    const shown = diagnosisFor('stranger', diagnose(e), e);

    expect(shown.verdict).toBe('ok');
    expect(shown.headline).toBe('Access should work for this identity');
  });

  it.each(['full', 'own'] as const)('is not redacted for the %s audience', (audience) => {
    const e = SCENARIOS[0]?.[1] as Evidence;
    const full = diagnose(e);

    expect(diagnosisFor(audience, full, e)).toBe(full);
    expect(JSON.stringify(diagnosisMessage(full, e, audience))).not.toContain('Summary only');
  });
});

describe('publicFinding: built from the public wording only, for every rule', () => {
  const SECRET = 'arn:aws:iam::111122223333:role/SECRET-other system:masters SECRET';
  const leaky: Omit<Finding, 'rule'> = {
    severity: 'blocker',
    title: SECRET,
    evidence: [SECRET, SECRET],
    fix: SECRET,
    fixCommand: SECRET,
    isGrantFix: true,
    symptom: 'unauthorized',
  };

  it.each([...RULE_IDS, 'some-rule-that-crashed'])('%s', (rule) => {
    const facts = publicFactsOf(asStranger(unmapped('API')));

    const shown = publicFinding({ rule, ...leaky }, facts);

    expect(JSON.stringify(shown)).not.toMatch(/SECRET|system:masters/);
    expect(shown).toMatchObject({ rule, severity: 'blocker', symptom: 'unauthorized', evidence: [] });
    expect(shown.title.length).toBeGreaterThan(0);
    expect(shown.fix.length).toBeGreaterThan(0);
  });

  it('has wording for every rule', () => {
    expect(Object.keys(PUBLIC_TEXT).sort()).toEqual([...RULE_IDS].sort());
  });
});
