import { describe, expect, it } from 'vitest';
import { parseAwsAuth } from '../../../../src/core/aws-auth/document.ts';
import { decideEntryPrecedence, precedenceLine } from '../../../../src/core/plan/entry-precedence.ts';

const ROLES = [
  '- rolearn: arn:aws:iam::111122223333:role/node',
  '  username: system:node:{{EC2PrivateDNSName}}',
  '  groups: [system:bootstrappers, system:nodes]',
  '- rolearn: arn:aws:iam::111122223333:role/win',
  '  username: system:node:{{EC2PrivateDNSName}}',
  '  groups: [system:bootstrappers, system:nodes, eks:kube-proxy-windows]',
  '- rolearn: arn:aws:iam::111122223333:role/admin',
  '  username: admin',
  '  groups: [system:masters]',
  '- rolearn: arn:aws:iam::111122223333:role/monitor',
  '  username: monitor',
  '  groups: [system:monitoring]',
  '- rolearn: arn:aws:iam::111122223333:role/dev-role',
  '  username: dev',
  '  groups: [readers, team-a]',
  '- rolearn: arn:aws:iam::111122223333:role/templated',
  '  username: "{{AccountID}}-dev"',
  '  groups: [readers]',
  '',
].join('\n');
const doc = parseAwsAuth({
  mapRoles: ROLES,
  mapUsers: '- userarn: arn:aws:iam::111122223333:user/alice\n  username: alice\n  groups: [readers]\n',
  mapAccounts: '- "444455556666"\n',
});
const decide = (arn: string) => decideEntryPrecedence(doc, arn, 'prod');

describe('access-entry precedence over aws-auth', () => {
  it.each([
    ['a node role', 'arn:aws:iam::111122223333:role/node', 'node_entry_protected'],
    ['a Windows node role with a path in IAM', 'arn:aws:iam::111122223333:role/eks/win', 'node_entry_protected'],
    ['a system:masters role', 'arn:aws:iam::111122223333:role/admin', 'aws_auth_cluster_admin'],
    ['another system: group', 'arn:aws:iam::111122223333:role/monitor', 'node_entry_protected'],
  ])('refuses %s', (_, arn, code) => {
    const decision = decide(arn);

    expect(decision.kind === 'refuse' ? decision.refusal.code : decision.kind).toBe(code);
  });

  it('carries the mapping into the entry, matching the role path-less as the authenticator does', () => {
    const decision = decide('arn:aws:iam::111122223333:role/teams/dev-role');

    expect(decision).toMatchObject({ kind: 'carry', username: 'dev', kubernetesGroups: ['readers', 'team-a'] });
    expect(precedenceLine(decision, 'arn:aws:iam::111122223333:role/teams/dev-role')?.text).toBe(
      'aws-auth maps this role as `dev` in `readers`, `team-a`; the access entry keeps that',
    );
  });

  it('keeps the groups but not a username template EKS does not accept', () => {
    const decision = decide('arn:aws:iam::111122223333:role/templated');

    expect(decision.kind === 'carry' ? decision.username : 'refused').toBeUndefined();
    expect(decision).toMatchObject({ kubernetesGroups: ['readers'] });
  });

  it.each([
    ['an unmapped role', 'arn:aws:iam::111122223333:role/other'],
    ['a principal let in only through mapAccounts', 'arn:aws:iam::444455556666:role/any'],
    ['an ARN that does not parse', 'not-an-arn'],
  ])('has nothing to say for %s', (_, arn) => {
    expect(decide(arn)).toEqual({ kind: 'unmapped' });
  });

  it('matches users by their ARN', () => {
    expect(decide('arn:aws:iam::111122223333:user/alice')).toMatchObject({ kind: 'carry', username: 'alice' });
  });
});
