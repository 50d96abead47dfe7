import { describe, expect, it } from 'vitest';
import { planRevoke } from '../../../../src/core/plan/revoke.ts';
import { effectiveDuration } from '../../../../src/core/request/duration-policy.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';

describe('what a revoke removes', () => {
  it.each([
    [
      'the entry the grant created, when nothing else needs it',
      { hadEntryBefore: false, hadPolicyBefore: false, others: [] },
      { kind: 'delete_entry' },
    ],
    [
      'only the policy, when the entry was there before',
      { hadEntryBefore: true, hadPolicyBefore: false, others: [] },
      { kind: 'disassociate', policyArn: VIEW },
    ],
    [
      'nothing, when the policy was there before',
      { hadEntryBefore: true, hadPolicyBefore: true, others: [] },
      { kind: 'keep', reason: 'the principal had this policy before the grant' },
    ],
    [
      'only its own policy, when another grant holds a different level',
      { hadEntryBefore: false, hadPolicyBefore: false, others: [{ policyArn: EDIT, namespaces: [] }] },
      { kind: 'disassociate', policyArn: VIEW },
    ],
    [
      'its namespaces, when another grant of the same level remains',
      { hadEntryBefore: false, hadPolicyBefore: false, others: [{ policyArn: VIEW, namespaces: ['b'] }] },
      { kind: 'narrow', policyArn: VIEW, scope: { type: 'namespace', namespaces: ['b'] } },
    ],
  ] as const)('removes %s', (_, input, expected) => {
    expect(planRevoke({ policyArn: VIEW, ...input })).toEqual(expected);
  });
});

describe('grant durations', () => {
  it.each([
    ['the default when none is asked', 'view', undefined, { durationMs: 8 * 3600_000, isDefault: true }],
    ['what is asked, under the cap', 'admin', 30 * 60_000, { durationMs: 30 * 60_000, isDefault: false }],
    [
      'the cap, saying from what',
      'cluster-admin',
      24 * 3600_000,
      { durationMs: 4 * 3600_000, isDefault: false, cappedFromMs: 24 * 3600_000 },
    ],
  ] as const)('gives %s', (_, level, requested, expected) => {
    expect(effectiveDuration(level, requested)).toEqual(expected);
  });

  it('honours a cluster’s overrides and never lets the default exceed the cap', () => {
    expect(effectiveDuration('view', undefined, { view: { defaultMs: 10 * 3600_000, maxMs: 2 * 3600_000 } })).toEqual({
      durationMs: 2 * 3600_000,
      isDefault: true,
    });
  });
});
