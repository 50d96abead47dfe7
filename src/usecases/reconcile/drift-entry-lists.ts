import type { AccessRequest } from '../../core/request/request.ts';
import type { AccessEntries } from '../ports/eks.ts';

/**
 * One cluster's access-entry state as lists: who holds each access policy in use (at any scope), and, only when a
 * per-person grant needs it, who has an entry at all (a policy is associated with an entry, so a holder has one).
 * The lists only ever clear a grant; one missing from them is confirmed by a direct read before anything is ended.
 * ARNs are compared lower-cased: IAM names are unique regardless of case, so a spelling difference is never a
 * different principal.
 */
export interface EntryLists {
  holders: ReadonlyMap<string, ReadonlySet<string>>;
  /** Undefined when no grant needed it. */
  entries?: ReadonlySet<string>;
}

export function grantedPrincipal(grant: AccessRequest): string {
  return grant.outcome?.principalArn ?? grant.principalArn;
}

/** A per-person grant (issue 19) holds no policy on the role: its access is the entry plus RBAC for one username. */
export function isSessionGrant(grant: AccessRequest): boolean {
  return grant.outcome?.sessionUsername !== undefined;
}

/** The access policies the grants hold, each listed once however many grants hold it. */
export function policiesInUse(grants: readonly AccessRequest[]): string[] {
  const arns = new Set<string>();
  for (const grant of grants) {
    const policyArn = grant.outcome?.policyArn;
    if (!isSessionGrant(grant) && policyArn) arns.add(policyArn);
  }
  return [...arns].sort();
}

const lower = (arns: readonly string[]): Set<string> => new Set(arns.map((arn) => arn.toLowerCase()));

/**
 * ListAccessEntries filtered by each policy the grants hold (`associatedPolicyArn`, all pages), and unfiltered only
 * when a per-person grant is there: the cost grows with the entries on the cluster and the levels in use, not with
 * the number of grants checked against them.
 */
export async function readEntryLists(entries: AccessEntries, grants: readonly AccessRequest[]): Promise<EntryLists> {
  const policyArns = policiesInUse(grants);
  const [all, ...byPolicy] = await Promise.all([
    grants.some(isSessionGrant) ? entries.listPrincipals() : undefined,
    ...policyArns.map((policyArn) => entries.listPrincipalsWithPolicy(policyArn)),
  ]);
  const holders = new Map(policyArns.map((policyArn, i) => [policyArn, lower(byPolicy[i] ?? [])]));
  return all ? { holders, entries: lower(all) } : { holders };
}

/** True when the lists show what the grant holds: its entry, and its policy unless it is a per-person grant. */
export function listedIntact(grant: AccessRequest, lists: EntryLists): boolean {
  const key = grantedPrincipal(grant).toLowerCase();
  if (isSessionGrant(grant)) return lists.entries?.has(key) === true;
  return lists.holders.get(grant.outcome?.policyArn ?? '')?.has(key) === true;
}
