import type { AccessRequest } from '../../core/request/request.ts';
import type { AccessEntries } from '../ports/eks.ts';

/**
 * One cluster's access-entry state as two kinds of list: who has an entry, and who holds each access policy in use
 * (at any scope). ARNs are compared lower-cased: IAM names are unique regardless of case, so a spelling difference
 * is never a different principal, and a check that errs here must err towards "still there", never towards ending a
 * grant that holds.
 */
export interface EntryLists {
  entries: ReadonlySet<string>;
  holders: ReadonlyMap<string, ReadonlySet<string>>;
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

/**
 * ListAccessEntries once unfiltered and once per policy (EKS filters by `associatedPolicyArn`), all pages: the cost
 * grows with the cluster's entries and the levels in use, not with the number of grants checked against it.
 */
export async function readEntryLists(entries: AccessEntries, policyArns: readonly string[]): Promise<EntryLists> {
  const [all, ...byPolicy] = await Promise.all([
    entries.listPrincipals(),
    ...policyArns.map((policyArn) => entries.listPrincipalsWithPolicy(policyArn)),
  ]);
  const lower = (arns: readonly string[]) => new Set(arns.map((arn) => arn.toLowerCase()));
  return {
    entries: lower(all ?? []),
    holders: new Map(policyArns.map((policyArn, i) => [policyArn, lower(byPolicy[i] ?? [])])),
  };
}

/** What the lists prove is gone for this grant (empty: the entry and, where it has one, the policy are there). */
export function missingFromLists(grant: AccessRequest, lists: EntryLists): string[] {
  const principal = grantedPrincipal(grant);
  const key = principal.toLowerCase();
  if (!lists.entries.has(key)) return [`access entry \`${principal}\` is gone`];
  if (isSessionGrant(grant)) return [];
  const policyArn = grant.outcome?.policyArn ?? '';
  if (!lists.holders.get(policyArn)?.has(key))
    return [`policy \`${policyArn}\` is no longer associated with \`${principal}\``];
  return [];
}
