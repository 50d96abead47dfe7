import { describe, expect, it } from 'vitest';
import { slackMessageText } from '../../../../src/adapters/slack/inbound-text.ts';
import { parseAwsAuth } from '../../../../src/core/aws-auth/document.ts';
import { parseAdminCommand } from '../../../../src/core/intent/admin-command.ts';
import { planEntryMigration } from '../../../../src/core/plan/entry-migration.ts';
import { migrationStep } from '../../../../src/core/plan/mode-migration.ts';

describe('mode migration', () => {
  it.each([
    ['CONFIG_MAP', { kind: 'switch', from: 'CONFIG_MAP', to: 'API_AND_CONFIG_MAP' }],
    [undefined, { kind: 'switch', from: 'CONFIG_MAP', to: 'API_AND_CONFIG_MAP' }],
    ['API_AND_CONFIG_MAP', { kind: 'already', mode: 'API_AND_CONFIG_MAP' }],
    ['API', { kind: 'already', mode: 'API' }],
  ] as const)('from %s proposes one step forward, never back and never straight to API', (mode, expected) => {
    expect(migrationStep(mode)).toEqual(expected);
  });
});

describe('moving aws-auth items to access entries', () => {
  const doc = parseAwsAuth({
    mapRoles: `- rolearn: arn:aws:iam::111122223333:role/eks-node
  username: system:node:{{EC2PrivateDNSName}}
  groups: [system:bootstrappers, system:nodes]
- rolearn: arn:aws:iam::111122223333:role/ops-admin
  username: ops
  groups: [system:masters]
- rolearn: arn:aws:iam::111122223333:role/dev
  username: dev:{{SessionName}}
  groups: [developers, system:authenticated]
- rolearn: arn:aws:iam::111122223333:role/only-system
  groups: [system:authenticated]
`,
    mapUsers: `- userarn: arn:aws:iam::111122223333:user/ci
  username: ci
  groups: [deployers]
`,
    mapAccounts: `- "444455556666"\n`,
  });

  it('turns system:masters into the cluster-admin policy, keeps other groups, resolves role paths later', () => {
    const plan = planEntryMigration(doc);

    expect(plan.migrate).toEqual([
      {
        awsAuthArn: 'arn:aws:iam::111122223333:role/ops-admin',
        roleName: 'ops-admin',
        kubernetesGroups: [],
        policyArns: ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'],
        username: 'ops',
      },
      {
        awsAuthArn: 'arn:aws:iam::111122223333:role/dev',
        roleName: 'dev',
        kubernetesGroups: ['developers'],
        policyArns: [],
      },
      {
        awsAuthArn: 'arn:aws:iam::111122223333:user/ci',
        principalArn: 'arn:aws:iam::111122223333:user/ci',
        kubernetesGroups: ['deployers'],
        policyArns: [],
        username: 'ci',
      },
    ]);
  });

  it('leaves node roles, system-only items and mapAccounts where they are, saying why', () => {
    const plan = planEntryMigration(doc);

    expect(plan.skipped.map((s) => [s.arn, s.reason.split(':')[0]])).toEqual([
      ['arn:aws:iam::111122223333:role/eks-node', 'node, Fargate or Windows role'],
      ['arn:aws:iam::111122223333:role/only-system', 'only system'],
      ['444455556666', 'mapAccounts has no access-entry equivalent'],
    ]);
  });
});

describe('admin commands', () => {
  it.each([
    ['migrate prod-cluster', { kind: 'migrate', cluster: 'prod-cluster' }],
    ['<@UBOT> migrate cluster legacy', { kind: 'migrate', cluster: 'legacy' }],
    ['recover prod-cluster for <@U0ALICE>', { kind: 'recover', cluster: 'prod-cluster', subject: 'U0ALICE' }],
    ['recover prod for <@U0ALICE|alice>', { kind: 'recover', cluster: 'prod', subject: 'U0ALICE' }],
    ['recover prod', { kind: 'recover_needs_subject', cluster: 'prod' }],
    ['migrate', undefined],
    ['migrate ../../etc', undefined],
    ['grant me view on prod', undefined],
    [`recover ${'x'.repeat(400)}`, undefined],
  ])('%j', (text, expected) => {
    expect(parseAdminCommand(slackMessageText(text).parts)).toEqual(expected);
  });
});
