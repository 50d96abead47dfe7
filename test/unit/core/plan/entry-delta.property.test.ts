import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AccessScope, scopeCovers } from '../../../../src/core/plan/access-entries.ts';
import { type EntryStep, planEnd, planGrant } from '../../../../src/core/plan/entry-delta.ts';
import {
  type EntryState,
  type GrantAccess,
  type PriorEntryRecord,
  priorFor,
} from '../../../../src/core/plan/entry-state.ts';
import { applySteps, normalized } from './entry-simulator.ts';

const POLICIES = [
  'AmazonEKSViewPolicy',
  'AmazonEKSEditPolicy',
  'AmazonEKSAdminPolicy',
  'AmazonEKSClusterAdminPolicy',
].map((name) => `arn:aws:eks::aws:cluster-access-policy/${name}`);
const NAMESPACES = ['team-a', 'team-b', 'team-c', 'kube-public'];

const scopeArb: fc.Arbitrary<AccessScope> = fc.oneof(
  fc.constant({ type: 'cluster' } as const),
  fc
    .uniqueArray(fc.constantFrom(...NAMESPACES), { minLength: 1, maxLength: 3 })
    .map((namespaces) => ({ type: 'namespace' as const, namespaces })),
);

const priorArb: fc.Arbitrary<EntryState> = fc.oneof(
  fc.constant({ policies: [] }),
  fc
    .record({
      policies: fc.uniqueArray(fc.record({ policyArn: fc.constantFrom(...POLICIES), scope: scopeArb }), {
        selector: (p) => p.policyArn,
        maxLength: 3,
      }),
      username: fc.option(fc.constantFrom('dev', 'ops'), { nil: undefined }),
      kubernetesGroups: fc.uniqueArray(fc.constantFrom('readers', 'team-a-admins'), { maxLength: 2 }),
    })
    .map(({ policies, username, kubernetesGroups }) => ({
      entry: { type: 'STANDARD', kubernetesGroups, isBotTagged: false, ...(username ? { username } : {}) },
      policies,
    })),
);

const grantArb: fc.Arbitrary<GrantAccess> = fc.record({ policyArn: fc.constantFrom(...POLICIES), scope: scopeArb });

/** Each grant starts once and ends once; the order of all the starts and ends is random (a start precedes its end). */
const scheduleArb = fc.array(grantArb, { minLength: 1, maxLength: 5 }).chain((grants) =>
  fc
    .shuffledSubarray(
      grants.flatMap((_, i) => [i, i]),
      { minLength: grants.length * 2, maxLength: grants.length * 2 },
    )
    .map((order) => ({ grants, order })),
);

interface Running {
  id: string;
  access: GrantAccess;
  prior?: PriorEntryRecord;
}

describe('a grant is a reversible delta on what the principal had before (property)', () => {
  it('any overlap of grants, ended in any order, leaves exactly the prior state; active grants stay covered', () => {
    fc.assert(
      fc.property(priorArb, scheduleArb, (prior, { grants, order }) => {
        let state: EntryState = prior;
        const running: Running[] = [];
        const started = new Set<number>();
        for (const [clock, i] of order.entries()) {
          const access = grants[i];
          if (!access) throw new Error('schedule out of range');
          if (!started.has(i)) {
            started.add(i);
            const record = priorFor(state, clock, running);
            state = applySteps(state, planGrant(state, access));
            running.push({ id: `G${i}`, access, ...(record ? { prior: record } : {}) });
          } else {
            const at = running.findIndex((r) => r.id === `G${i}`);
            const [ending] = running.splice(at, 1);
            if (!ending?.prior) throw new Error('every grant in this model has a prior record');
            const plan = planEnd({
              prior: ending.prior,
              ending: ending.access,
              remaining: running.map((r) => r.access),
              current: state,
            });
            expect(plan.drift).toEqual([]);
            state = applySteps(state, plan.steps);
          }
          for (const r of running) {
            const scope = state.policies.find((p) => p.policyArn === r.access.policyArn)?.scope;
            expect(state.entry).toBeDefined();
            expect(scope && scopeCovers(scope, r.access.scope)).toBe(true);
          }
        }
        expect(normalized(state)).toEqual(normalized(prior));
      }),
      { numRuns: 500 },
    );
  });

  it('never writes anything when a grant on top of access that already covers it ends', () => {
    fc.assert(
      fc.property(grantArb, (grant) => {
        const prior: EntryState = {
          entry: { type: 'STANDARD', kubernetesGroups: [], isBotTagged: false },
          policies: [{ policyArn: grant.policyArn, scope: { type: 'cluster' } }],
        };
        const steps: EntryStep[] = planGrant(prior, grant);
        const end = planEnd({ prior, ending: grant, remaining: [], current: prior });

        expect(steps).toEqual([]);
        expect(end.steps).toEqual([]);
      }),
    );
  });
});
