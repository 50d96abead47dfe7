import { describe, expect, it } from 'vitest';
import type { AccessScope } from '../../../../src/core/plan/access-entries.ts';
import { planEnd, planGrant } from '../../../../src/core/plan/entry-delta.ts';
import { type EntryState, priorFor } from '../../../../src/core/plan/entry-state.ts';

const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy';
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const CLUSTER: AccessScope = { type: 'cluster' };
const ns = (...namespaces: string[]): AccessScope => ({ type: 'namespace', namespaces });
const entry = (isBotTagged = false) => ({ type: 'STANDARD', kubernetesGroups: [], isBotTagged });
const TEAM_A_ADMIN: EntryState = { entry: entry(), policies: [{ policyArn: ADMIN, scope: ns('team-a') }] };

describe('ending a grant restores what it changed', () => {
  it('puts a policy widened from namespace team-a to cluster back to team-a', () => {
    const grant = { policyArn: ADMIN, scope: CLUSTER };
    const during: EntryState = { entry: entry(), policies: [{ policyArn: ADMIN, scope: CLUSTER }] };

    const plan = planEnd({ prior: TEAM_A_ADMIN, ending: grant, remaining: [], current: during });

    expect(planGrant(TEAM_A_ADMIN, grant)).toEqual([{ op: 'associate', policyArn: ADMIN, scope: CLUSTER }]);
    expect(plan.steps).toEqual([{ op: 'associate', policyArn: ADMIN, scope: ns('team-a') }]);
    expect(plan.notes).toEqual([{ kind: 'restored', policyArn: ADMIN, scope: ns('team-a') }]);
    expect(plan.drift).toEqual([]);
  });

  it('narrows to what a remaining grant still needs, then restores when it ends', () => {
    const wide = { policyArn: ADMIN, scope: CLUSTER };
    const other = { policyArn: ADMIN, scope: ns('team-b') };
    const during: EntryState = { entry: entry(), policies: [{ policyArn: ADMIN, scope: CLUSTER }] };

    const first = planEnd({ prior: TEAM_A_ADMIN, ending: wide, remaining: [other], current: during });

    expect(first.steps).toEqual([{ op: 'associate', policyArn: ADMIN, scope: ns('team-a', 'team-b') }]);
    expect(first.notes[0]?.kind).toBe('narrowed');
  });

  it('deletes only the entry it created, and only when nothing else was added to it', () => {
    const grant = { policyArn: VIEW, scope: CLUSTER };
    const ours: EntryState = { entry: entry(true), policies: [{ policyArn: VIEW, scope: CLUSTER }] };
    const withForeign: EntryState = {
      entry: entry(true),
      policies: [...ours.policies, { policyArn: ADMIN, scope: ns('ops') }],
    };

    const clean = planEnd({ prior: { policies: [] }, ending: grant, remaining: [], current: ours });
    const dirty = planEnd({ prior: { policies: [] }, ending: grant, remaining: [], current: withForeign });

    expect(clean.steps).toEqual([{ op: 'delete_entry' }]);
    expect(dirty.steps).toEqual([{ op: 'disassociate', policyArn: VIEW }]);
    expect(dirty.drift).toEqual([{ kind: 'policy_changed', policyArn: ADMIN, actual: ns('ops') }]);
  });

  it.each([
    [
      'the scope was changed by hand during the grant',
      { entry: entry(), policies: [{ policyArn: ADMIN, scope: ns('team-z') }] },
      [{ kind: 'policy_changed', policyArn: ADMIN, expected: CLUSTER, actual: ns('team-z'), before: ns('team-a') }],
    ],
    [
      'the association was removed by hand during the grant',
      { entry: entry(), policies: [] },
      [{ kind: 'policy_changed', policyArn: ADMIN, expected: CLUSTER, before: ns('team-a') }],
    ],
    ['the entry that was there before is gone', { policies: [] }, [{ kind: 'entry_missing', hadEntryBefore: true }]],
  ])('reports and does not overwrite when %s', (_, current: EntryState, drift) => {
    const plan = planEnd({ prior: TEAM_A_ADMIN, ending: { policyArn: ADMIN, scope: CLUSTER }, remaining: [], current });

    expect(plan.steps).toEqual([]);
    expect(plan.drift).toEqual(drift);
  });

  it('leaves an entry without the ownership tag where the bot expected its own', () => {
    const current: EntryState = { entry: entry(false), policies: [{ policyArn: VIEW, scope: CLUSTER }] };

    const plan = planEnd({
      prior: { policies: [] },
      ending: { policyArn: VIEW, scope: CLUSTER },
      remaining: [],
      current,
    });

    expect(plan.steps).toEqual([]);
    expect(plan.drift).toEqual([{ kind: 'entry_not_ours' }]);
  });
});

describe('the prior record a grant keeps', () => {
  it('inherits the oldest active grant’s record, so the bot’s additions are never "before"', () => {
    const during: EntryState = { entry: entry(), policies: [{ policyArn: ADMIN, scope: CLUSTER }] };
    const oldest = { id: 'R1', prior: { ...TEAM_A_ADMIN, at: 5 } };
    const newer = { id: 'R2', prior: { ...TEAM_A_ADMIN, at: 9, inheritedFrom: 'R1' } };

    expect(priorFor(during, 20, [newer, oldest])).toEqual({ ...TEAM_A_ADMIN, at: 5, inheritedFrom: 'R1' });
    expect(priorFor(during, 20, [])).toEqual({ ...during, at: 20 });
    expect(priorFor(during, 20, [{ id: 'R0' }])).toBeUndefined();
  });
});
