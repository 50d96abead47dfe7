import { describe, expect, it } from 'vitest';
import { adminGroups, isNodeEntry } from '../../../../src/core/aws-auth/nodes.ts';

describe('isNodeEntry', () => {
  it.each([
    ['a managed node group', ['system:bootstrappers', 'system:nodes'], 'system:node:{{EC2PrivateDNSName}}'],
    ['Fargate', ['system:bootstrappers', 'system:nodes', 'system:node-proxier'], 'system:node:{{SessionName}}'],
    [
      'Windows',
      ['system:bootstrappers', 'system:nodes', 'eks:kube-proxy-windows'],
      'system:node:{{EC2PrivateDNSName}}',
    ],
    ['groups folded by an indent', ['system:bootstrappers - system:nodes'], 'x'],
    ['groups in another case', ['System:Nodes'], 'x'],
    ['a node username with no groups left', [], 'system:node:{{EC2PrivateDNSName}}'],
  ])('recognizes %s', (_, groups, username) => {
    expect(isNodeEntry({ groups, username })).toBe(true);
  });

  it.each([
    ['an admin', ['system:masters'], 'admin'],
    ['a look-alike group', ['system:nodes-viewers'], 'viewer'],
    ['nothing', [], ''],
  ])('does not flag %s', (_, groups, username) => {
    expect(isNodeEntry({ groups, username })).toBe(false);
  });
});

describe('adminGroups', () => {
  it.each([
    [['system:masters', 'view'], [], ['system:masters']],
    [['System:Masters '], [], ['System:Masters ']],
    [['platform-admins', 'view'], ['platform-admins'], ['platform-admins']],
    [['view', 'edit'], ['platform-admins'], []],
  ])('finds the admin groups in %j (extra: %j)', (groups, extra, expected) => {
    expect(adminGroups({ groups }, extra)).toEqual(expected);
  });
});
