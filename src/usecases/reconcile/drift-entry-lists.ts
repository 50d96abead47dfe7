import type { AccessRequest } from '../../core/request/request.ts';
import type { AccessEntries } from '../ports/eks.ts';

/**
 * One cluster's access-entry state as lists: who holds each access policy in use (at any scope), and, only when
 * needed, who has an entry at all. A policy is associated with an entry, so a holder has an entry: the unfiltered
 * list is read only for grants that hold no policy (per-person grants) or to tell "entry gone" from "policy gone"
 * for a grant missing from its policy's list. ARNs are compared lower-cased: IAM names are unique regardless of
 * case, so a spelling difference is never a different principal, and a check that errs here must err towards
 * "still there", never towards ending a grant that holds.
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
 * ListAccessEntries filtered by each policy the grants hold (`associatedPolicyArn`, all pages), then unfiltered only
 * if a grant needs it: the cost grows with the entries on the cluster and the levels in use, not with the number of
 * grants checked against them.
 */
export async function readEntryLists(entries: AccessEntries, grants: readonly AccessRequest[]): Promise<EntryLists> {
  const policyArns = policiesInUse(grants);
  const byPolicy = await Promise.all(policyArns.map((policyArn) => entries.listPrincipalsWithPolicy(policyArn)));
  const holders = new Map(policyArns.map((policyArn, i) => [policyArn, lower(byPolicy[i] ?? [])]));
  const needsAll = grants.some(
    (grant) =>
      isSessionGrant(grant) || !holders.get(grant.outcome?.policyArn ?? '')?.has(grantedPrincipal(grant).toLowerCase()),
  );
  return needsAll ? { holders, entries: lower(await entries.listPrincipals()) } : { holders };
}

/** What the lists prove is gone for this grant (empty: the entry and, where it has one, the policy are there). */
export function missingFromLists(grant: AccessRequest, lists: EntryLists): string[] {
  const principal = grantedPrincipal(grant);
  const key = principal.toLowerCase();
  const policyArn = grant.outcome?.policyArn ?? '';
  const holdsPolicy = !isSessionGrant(grant) && lists.holders.get(policyArn)?.has(key) === true;
  if (holdsPolicy) return [];
  // readEntryLists read the unfiltered list whenever a grant is here; without it nothing can be proved gone.
  if (!lists.entries) return [];
  if (!lists.entries.has(key)) return [`access entry \`${principal}\` is gone`];
  if (isSessionGrant(grant)) return [];
  return [`policy \`${policyArn}\` is no longer associated with \`${principal}\``];
}
