import { type AccessScope, mergeScope, scopeCovers } from './access-entries.ts';
import {
  type DesiredState,
  desiredState,
  type EntryState,
  type GrantAccess,
  policyScope,
  sameAssociation,
} from './entry-state.ts';

/** One EKS write. `create_entry` is the one point where a new entry is made (with the bot's tags). */
export type EntryStep =
  | { op: 'create_entry' }
  | { op: 'associate'; policyArn: string; scope: AccessScope }
  | { op: 'disassociate'; policyArn: string }
  | { op: 'delete_entry' };

/** What an end did or found, per field, for the thread and the audit (rendered by core/messages/restore-notes). */
export type EndNote =
  | { kind: 'entry_deleted' }
  | { kind: 'entry_already_gone' }
  | { kind: 'restored'; policyArn: string; scope: AccessScope }
  | { kind: 'removed'; policyArn: string }
  | { kind: 'narrowed'; policyArn: string; scope: AccessScope }
  | { kind: 'kept'; policyArn: string; scope: AccessScope; why: 'before' | 'others' };

/** A field the grant touched that no longer holds what eks-access set: left as it is for a person to decide. */
export type DriftNote =
  | { kind: 'policy_changed'; policyArn: string; expected?: AccessScope; actual?: AccessScope; before?: AccessScope }
  | { kind: 'entry_missing'; hadEntryBefore: boolean }
  | { kind: 'entry_not_ours' };

export interface EndPlan {
  steps: EntryStep[];
  notes: EndNote[];
  drift: DriftNote[];
}

/**
 * The writes that give a grant its access on top of the current state: the entry when there is none, and the policy
 * with the merge of its current scope and the wanted one (AssociateAccessPolicy replaces a scope, so never narrow).
 */
export function planGrant(current: EntryState, grant: GrantAccess): EntryStep[] {
  if (!current.entry) return [{ op: 'create_entry' }, { op: 'associate', ...grant }];
  const have = policyScope(current, grant.policyArn);
  if (have && scopeCovers(have, grant.scope)) return [];
  return [{ op: 'associate', policyArn: grant.policyArn, scope: mergeScope(have, grant.scope) }];
}

/**
 * Ending one grant: moves the fields it touched from what the prior state plus every active grant need (what the bot
 * set) to what the prior state plus the remaining grants need. A field that holds neither was changed by someone
 * else during the grant: it is reported, never overwritten. The entry is deleted only when the bot created it,
 * nothing needs it and it carries nothing the bot did not set.
 */
export function planEnd(input: {
  prior: EntryState;
  ending: GrantAccess;
  remaining: readonly GrantAccess[];
  current: EntryState;
}): EndPlan {
  const { prior, ending, remaining, current } = input;
  const expected = desiredState(prior, [ending, ...remaining]);
  const target = desiredState(prior, remaining);
  if (!current.entry) {
    if (!target.hasEntry) return { steps: [], notes: [{ kind: 'entry_already_gone' }], drift: [] };
    return { steps: [], notes: [], drift: [{ kind: 'entry_missing', hadEntryBefore: prior.entry !== undefined }] };
  }
  if (!target.hasEntry) return planEntryEnd(input, expected);
  const plan: EndPlan = { steps: [], notes: [], drift: [] };
  for (const policyArn of touchedPolicies(ending, expected, target)) {
    planPolicy(plan, { policyArn, prior, remaining, expected, target, current });
  }
  plan.steps.sort((a, b) => STEP_ORDER[a.op] - STEP_ORDER[b.op]);
  return plan;
}

const STEP_ORDER: Record<EntryStep['op'], number> = { create_entry: 0, associate: 1, disassociate: 2, delete_entry: 3 };

/** The ending grant's own policy, plus every policy whose association this end changes. */
function touchedPolicies(ending: GrantAccess, expected: DesiredState, target: DesiredState): string[] {
  const arns = new Set([ending.policyArn]);
  for (const p of [...expected.policies, ...target.policies]) {
    if (!sameAssociation(policyScope(expected, p.policyArn), policyScope(target, p.policyArn))) arns.add(p.policyArn);
  }
  return [...arns];
}

function planPolicy(
  plan: EndPlan,
  at: {
    policyArn: string;
    prior: EntryState;
    remaining: readonly GrantAccess[];
    expected: DesiredState;
    target: DesiredState;
    current: EntryState;
  },
): void {
  const { policyArn } = at;
  const exp = policyScope(at.expected, policyArn);
  const tgt = policyScope(at.target, policyArn);
  const cur = policyScope(at.current, policyArn);
  const before = at.prior.entry ? policyScope(at.prior, policyArn) : undefined;
  // Someone else changed it during the grant (even to what the end would give back): theirs to decide, not ours.
  if (!sameAssociation(cur, exp)) {
    plan.drift.push(driftOf(policyArn, exp, cur, before));
    return;
  }
  if (sameAssociation(exp, tgt)) {
    if (tgt) {
      const why = at.remaining.some((g) => g.policyArn === policyArn) ? 'others' : 'before';
      plan.notes.push({ kind: 'kept', policyArn, scope: tgt, why });
    }
    return;
  }
  if (!tgt) {
    plan.steps.push({ op: 'disassociate', policyArn });
    plan.notes.push({ kind: 'removed', policyArn });
    return;
  }
  plan.steps.push({ op: 'associate', policyArn, scope: tgt });
  plan.notes.push(
    sameAssociation(tgt, before)
      ? { kind: 'restored', policyArn, scope: tgt }
      : { kind: 'narrowed', policyArn, scope: tgt },
  );
}

/** Nothing needs an entry any more: delete it when it is provably the bot's and carries only what the bot expects. */
function planEntryEnd(input: { prior: EntryState; current: EntryState }, expected: DesiredState): EndPlan {
  const { current } = input;
  const plan: EndPlan = { steps: [], notes: [], drift: [] };
  if (!current.entry?.isBotTagged) {
    plan.drift.push({ kind: 'entry_not_ours' });
    return plan;
  }
  const ours = current.policies.filter((p) => sameAssociation(p.scope, policyScope(expected, p.policyArn)));
  const foreign = current.policies.filter((p) => !ours.includes(p));
  for (const p of expected.policies) {
    if (!policyScope(current, p.policyArn)) plan.drift.push(driftOf(p.policyArn, p.scope, undefined, undefined));
  }
  if (foreign.length === 0) {
    plan.steps.push({ op: 'delete_entry' });
    plan.notes.push({ kind: 'entry_deleted' });
    return plan;
  }
  for (const p of foreign)
    plan.drift.push(driftOf(p.policyArn, policyScope(expected, p.policyArn), p.scope, undefined));
  for (const p of ours) {
    plan.steps.push({ op: 'disassociate', policyArn: p.policyArn });
    plan.notes.push({ kind: 'removed', policyArn: p.policyArn });
  }
  return plan;
}

function driftOf(
  policyArn: string,
  expected: AccessScope | undefined,
  actual: AccessScope | undefined,
  before: AccessScope | undefined,
): DriftNote {
  return {
    kind: 'policy_changed',
    policyArn,
    ...(expected ? { expected } : {}),
    ...(actual ? { actual } : {}),
    ...(before ? { before } : {}),
  };
}
