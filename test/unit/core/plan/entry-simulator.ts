import type { EntryStep } from '../../../../src/core/plan/entry-delta.ts';
import type { EntryState } from '../../../../src/core/plan/entry-state.ts';

/** EKS semantics for the steps, in memory: associate is an upsert that replaces the scope; delete drops the policies. */
export function applySteps(state: EntryState, steps: readonly EntryStep[]): EntryState {
  let next = state;
  for (const step of steps) {
    switch (step.op) {
      case 'create_entry':
        if (next.entry) throw new Error('CreateAccessEntry on an existing entry (ResourceInUse)');
        next = { entry: { type: 'STANDARD', kubernetesGroups: [], isBotTagged: true }, policies: [] };
        break;
      case 'associate':
        if (!next.entry) throw new Error('AssociateAccessPolicy without an entry');
        next = {
          ...next,
          policies: [
            ...next.policies.filter((p) => p.policyArn !== step.policyArn),
            { policyArn: step.policyArn, scope: step.scope },
          ],
        };
        break;
      case 'disassociate':
        if (!next.policies.some((p) => p.policyArn === step.policyArn)) throw new Error('not associated');
        next = { ...next, policies: next.policies.filter((p) => p.policyArn !== step.policyArn) };
        break;
      case 'delete_entry':
        if (!next.entry) throw new Error('DeleteAccessEntry without an entry');
        next = { policies: [] };
        break;
    }
  }
  return next;
}

/** Order-free form for comparing states: policies by ARN, namespaces sorted. */
export function normalized(state: EntryState): unknown {
  return {
    entry: state.entry ?? null,
    policies: [...state.policies]
      .sort((a, b) => a.policyArn.localeCompare(b.policyArn))
      .map((p) => ({
        policyArn: p.policyArn,
        scope: p.scope.type === 'cluster' ? p.scope : { type: 'namespace', namespaces: [...p.scope.namespaces].sort() },
      })),
  };
}
