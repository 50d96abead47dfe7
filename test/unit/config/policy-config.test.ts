import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.ts';
import { approvalPolicyOf, autoApproveRuleOf } from '../../../src/core/settings.ts';
import { problemsOf } from '../../support/config-problems.ts';

const cluster = (extra: string, approvers = '[U0APPROVER1, U0APPROVER2]') => `clusters:
  - name: prod-cluster
    region: us-east-1
    accountId: "111122223333"
    approvers: ${approvers}
${extra}`;

describe('approval policy keys', () => {
  it('reads user groups, self-approval, per-level overrides, autoApprove and breakGlass', () => {
    const config = parseConfig(
      cluster(
        [
          '    requiredApprovals: 3',
          '    autoApprove: { levels: [view], maxPerPeriod: { count: 5, period: 1d } }',
          '    breakGlass: { allowed: [U0ONCALL, S0SRE] }',
          '    policies:',
          '      view: { autoApprove: false }',
          '      edit: { autoApprove: true, allowSelfApproval: true, requiredApprovals: 1 }',
          '      cluster-admin: { approvers: [S0PLATFORM], requiredApprovals: 2 }',
        ].join('\n'),
        '[U0APPROVER1, S0ONCALL]',
      ),
    );
    const prod = config.clusters[0];
    if (!prod) throw new Error('no cluster');

    expect(prod.allowSelfApproval).toBe(false);
    expect(prod.breakGlass).toEqual({ allowed: ['U0ONCALL', 'S0SRE'], maxDuration: 3_600_000 });
    expect(approvalPolicyOf(prod, 'grant', 'admin')).toEqual({
      approvers: ['U0APPROVER1', 'S0ONCALL'],
      requiredApprovals: 3,
      allowSelfApproval: false,
    });
    expect(approvalPolicyOf(prod, 'grant', 'edit')).toMatchObject({ requiredApprovals: 1, allowSelfApproval: true });
    expect(approvalPolicyOf(prod, 'grant', 'cluster-admin').approvers).toEqual(['S0PLATFORM']);
    expect(autoApproveRuleOf(prod, 'view')).toEqual({ isAutoLevel: false, cap: { count: 5, periodMs: 86_400_000 } });
    expect(autoApproveRuleOf(prod, 'edit').isAutoLevel).toBe(true);
    expect(autoApproveRuleOf(prod, 'admin').isAutoLevel).toBe(false);
  });

  it('keeps the mode-change rule of two people whatever the level overrides say', () => {
    const config = parseConfig(cluster('    allowSelfApproval: true'));
    const prod = config.clusters[0];
    if (!prod) throw new Error('no cluster');

    expect(approvalPolicyOf(prod, 'migrate')).toEqual({
      approvers: ['U0APPROVER1', 'U0APPROVER2'],
      requiredApprovals: 2,
    });
  });

  it.each([
    ['more approvals than people', cluster('    requiredApprovals: 3'), 'clusters[0].requiredApprovals'],
    [
      'a level asking more than its people',
      cluster('    policies:\n      admin: { approvers: [U0A1], requiredApprovals: 2 }'),
      'clusters[0].policies.admin.requiredApprovals',
    ],
    ['a lower-case approver id', cluster('', '[u0approver1]'), 'clusters[0].approvers[0]'],
    [
      'an unknown autoApprove key',
      cluster('    autoApprove: { levels: [view], everyone: true }'),
      'clusters[0].autoApprove',
    ],
    ['an unknown level', cluster('    autoApprove: { levels: [root] }'), 'clusters[0].autoApprove.levels[0]'],
    [
      'a cap without a period',
      cluster('    autoApprove: { levels: [view], maxPerPeriod: { count: 5 } }'),
      'clusters[0].autoApprove.maxPerPeriod.period',
    ],
    ['break-glass for nobody', cluster('    breakGlass: { allowed: [] }'), 'clusters[0].breakGlass.allowed'],
    [
      'a bad break-glass duration',
      cluster('    breakGlass: { allowed: [U0A1], maxDuration: soon }'),
      'clusters[0].breakGlass.maxDuration',
    ],
  ])('refuses %s', (_name, text, path) => {
    expect(problemsOf(text).join('\n')).toContain(path);
  });

  it('cannot count a user group at start-up, so requiredApprovals above the listed ids is accepted with a group', () => {
    expect(problemsOf(cluster('    requiredApprovals: 3', '[U0APPROVER1, S0ONCALL]'))).toEqual([]);
  });
});
