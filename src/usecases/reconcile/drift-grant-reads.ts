import { scopePhrase } from '../../core/messages/restore-notes.ts';
import { scopeCovers, wantedScope } from '../../core/plan/access-entries.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { grantedPrincipal, isSessionGrant } from './drift-entry-lists.ts';
import { ringWindow, shareOut } from './drift-rotation.ts';

/**
 * What a direct read of one grant's entry and policy shows is gone (empty: it holds). `entryListed` skips the
 * DescribeAccessEntry when a list already showed the policy, so the entry, is there (the scope check).
 */
export async function missingByRead(
  deps: Pick<Deps, 'gateways'>,
  cluster: ClusterSettings,
  grant: AccessRequest,
  options: { entryListed?: boolean } = {},
): Promise<string[]> {
  const entries = deps.gateways.forCluster(cluster).accessEntries;
  const principal = grantedPrincipal(grant);
  if (!options.entryListed && !(await entries.describeAccessEntry(principal))) {
    return [`access entry \`${principal}\` is gone`];
  }
  if (isSessionGrant(grant)) return [];
  const policyArn = grant.outcome?.policyArn ?? '';
  const held = (await entries.listAssociatedPolicies(principal)).find((p) => p.policyArn === policyArn);
  if (!held) return [`policy \`${policyArn}\` is no longer associated with \`${principal}\``];
  // A grant with an exact prior record is given back exactly, so a scope narrowed by hand below what it asked for
  // is drift too (older grants only ever checked that the policy is there).
  const wanted = wantedScope(grant.namespaces);
  if (grant.preState?.prior && !scopeCovers(held.scope, wanted)) {
    return [
      `policy \`${policyArn}\` of \`${principal}\` is on ${scopePhrase(held.scope)}, no longer ${scopePhrase(wanted)} as granted`,
    ];
  }
  return [];
}

export interface GrantsOn {
  cluster: ClusterSettings;
  grants: AccessRequest[];
}

/**
 * At most `budget` grants to read one by one this sweep, shared round-robin between the clusters, each cluster's
 * grants taken in turn over successive sweeps (a store cursor per cluster and purpose), so that a few grants no
 * read can settle never starve the others.
 */
export async function inTurn(
  deps: Pick<Deps, 'store'>,
  groups: readonly GrantsOn[],
  budget: number,
  cursor: (cluster: string) => string,
): Promise<GrantsOn[]> {
  const shares = shareOut(
    budget,
    groups.map((g) => g.grants.length),
  );
  const chosen: GrantsOn[] = [];
  for (const [i, { cluster, grants }] of groups.entries()) {
    const share = shares[i] ?? 0;
    if (share === 0) continue;
    if (share >= grants.length) {
      chosen.push({ cluster, grants });
      continue;
    }
    const ordered = [...grants].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const ring = ringWindow(ordered, await deps.store.readCursor(cursor(cluster.name)), share);
    await deps.store.writeCursor(cursor(cluster.name), ring.next);
    chosen.push({ cluster, grants: ring.window });
  }
  return chosen;
}
