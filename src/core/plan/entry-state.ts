import { type AccessScope, type AssociatedPolicy, mergeScope, sameScope } from './access-entries.ts';

/** A principal's access entry as EKS describes it (the fields a grant could affect or must give back). */
export interface EntryFacts {
  type: string;
  username?: string;
  kubernetesGroups: readonly string[];
  /** Carries eks-access's ownership tag: the bot created it (for this grant or an earlier one). */
  isBotTagged: boolean;
}

/** What a principal holds through access entries on one cluster: the entry (absent: none) and its policies. */
export interface EntryState {
  entry?: EntryFacts;
  /** Always empty when there is no entry: EKS keeps associations only on an entry. */
  policies: readonly AssociatedPolicy[];
}

/**
 * The state before the first eks-access grant of an overlapping run, recorded before the first write. A grant
 * started while another bot grant was active inherits that grant's record (`inheritedFrom`), so what the bot
 * added is never counted as "before".
 */
export interface PriorEntryRecord extends EntryState {
  /** When the state was read (epoch ms). */
  at: number;
  inheritedFrom?: string;
}

/** What one active grant needs: a policy with the scope it asked for. */
export interface GrantAccess {
  policyArn: string;
  scope: AccessScope;
}

/** The state a set of grants and a prior record need together (the entry's own fields are the prior's). */
export interface DesiredState {
  /** The prior entry, or a bot-created one while grants need it, or none. */
  hasEntry: boolean;
  policies: readonly AssociatedPolicy[];
}

/**
 * Prior ∪ active grants. AssociateAccessPolicy replaces an association's scope, so one policy held by the prior
 * and several grants is associated once with the merge of their scopes (cluster wins, namespaces are unioned).
 */
export function desiredState(prior: EntryState, grants: readonly GrantAccess[]): DesiredState {
  const scopes = new Map<string, AccessScope>();
  for (const p of prior.entry ? prior.policies : []) scopes.set(p.policyArn, p.scope);
  for (const g of grants) scopes.set(g.policyArn, mergeScope(scopes.get(g.policyArn), g.scope));
  const policies = [...scopes].map(([policyArn, scope]) => ({ policyArn, scope }));
  return { hasEntry: prior.entry !== undefined || grants.length > 0, policies };
}

export function policyScope(
  state: { policies: readonly AssociatedPolicy[] },
  policyArn: string,
): AccessScope | undefined {
  return state.policies.find((p) => p.policyArn === policyArn)?.scope;
}

/** Same association: both absent, or both present with the same scope (namespace lists compared as sets). */
export function sameAssociation(a: AccessScope | undefined, b: AccessScope | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return sameScope(a, b);
}

/** The entry state as read from EKS, with `isBotTagged` from the ownership tag. */
export function entryStateOf(
  entry: { type: string; username?: string; kubernetesGroups: readonly string[]; isBotTagged: boolean } | undefined,
  policies: readonly AssociatedPolicy[],
): EntryState {
  if (!entry) return { policies: [] };
  const facts: EntryFacts = {
    type: entry.type,
    kubernetesGroups: [...entry.kubernetesGroups],
    isBotTagged: entry.isBotTagged,
    ...(entry.username !== undefined ? { username: entry.username } : {}),
  };
  return { entry: facts, policies: policies.map((p) => ({ policyArn: p.policyArn, scope: p.scope })) };
}

/**
 * The prior record a new grant keeps: the oldest active grant's when another grant is active (all must carry one,
 * otherwise undefined: the old boolean behaviour applies), else the state read now.
 */
export function priorFor(
  readNow: EntryState,
  at: number,
  active: readonly { id: string; prior?: PriorEntryRecord | undefined }[],
): PriorEntryRecord | undefined {
  if (active.length === 0) return { ...readNow, at };
  if (active.some((a) => a.prior === undefined)) return undefined;
  const oldest = [...active].sort((a, b) => (a.prior?.at ?? 0) - (b.prior?.at ?? 0))[0];
  if (!oldest?.prior) return undefined;
  const { inheritedFrom: _ignored, ...record } = oldest.prior;
  return { ...record, inheritedFrom: oldest.prior.inheritedFrom ?? oldest.id };
}
