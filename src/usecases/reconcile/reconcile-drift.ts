import { awsAuthArnIndex } from '../../core/aws-auth/arn-index.ts';
import { parseAwsAuth } from '../../core/aws-auth/document.ts';
import type { PersonId } from '../../core/ids.ts';
import { driftNotice } from '../../core/messages/drift-messages.ts';
import { endedReply } from '../../core/messages/request-messages.ts';
import { planAwsAuthGrant } from '../../core/plan/aws-auth-grant.ts';
import type { AccessRequest, EndInfo } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { toAdapterError } from '../../shared/errors.ts';
import type { EndDeps } from '../end/end-grant.ts';
import { type RestoreResult, restoreAccessEntry } from '../end/restore-access-entry.ts';
import type { Deps } from '../ports/deps.ts';
import { postOnce, requestOwner } from '../support/post-once.ts';
import { recordAudit } from '../support/record-audit.ts';
import { refreshCards, replyInThread } from '../support/request-conversation.ts';
import { transitionRequest } from '../support/request-lifecycle.ts';
import { isSessionGrant, listedIntact, readEntryLists } from './drift-entry-lists.ts';
import { type GrantsOn, inTurn, missingByRead } from './drift-grant-reads.ts';

/**
 * How much one sweep may ask of EKS and the clusters. Each swept cluster costs one ListAccessEntries filtered by each
 * access policy its grants hold (all pages, 100 entries each; one unfiltered more when a per-person grant is there),
 * and one DescribeCluster and one ConfigMap read when it has aws-auth grants, whatever the number of grants. The
 * per-grant reads left (confirming what the lists miss, and scopes, which no list shows) are bounded on their own.
 */
export interface DriftLimits {
  /** Clusters with active grants swept per sweep; with more configured, the next sweep goes on where this one stopped. */
  clustersPerSweep: number;
  /** Grants missing from the lists confirmed by a direct read (DescribeAccessEntry, ListAssociatedAccessPolicies). */
  confirmationsPerSweep: number;
  /** ListAssociatedAccessPolicies reads per sweep, for grants with an exact prior record (no list shows a scope). */
  scopeChecksPerSweep: number;
}
export const DRIFT_LIMITS: Readonly<DriftLimits> = {
  clustersPerSweep: 10,
  confirmationsPerSweep: 25,
  scopeChecksPerSweep: 20,
};

export interface DriftResult {
  checked: number;
  drifted: number;
  failed: number;
}

/** Store cursors (readCursor/writeCursor) of the rotations. */
const CLUSTER_CURSOR = 'drift-clusters';
const confirmCursor = (cluster: string) => `drift-confirm:${cluster}`;
const scopeCursor = (cluster: string) => `drift-scope:${cluster}`;

/** What ending a grant touches, but aws-auth writes: the sweep only reads aws-auth, and ends through endAsDrifted. */
export type DriftDeps = Omit<EndDeps, 'awsAuth'>;

/**
 * Compares active bot grants with the clusters' real state, a cluster at a time: a granted access entry, policy or
 * aws-auth item that is gone was removed by hand. That grant is ended (reason `drift`, nothing else is touched), the
 * thread and the approvers are told, and the audit trail gets a `drift` event. Read-only on AWS, except that a grant
 * with an exact prior record gives back what it can prove is its own, as every end does.
 */
export async function checkDrift(deps: DriftDeps, limits: Readonly<DriftLimits> = DRIFT_LIMITS): Promise<DriftResult> {
  const now = deps.clock.now();
  const result: DriftResult = { checked: 0, drifted: 0, failed: 0 };
  const clusters = deps.settings.clusters;
  if (clusters.length === 0) return result;
  const start = (await deps.store.readCursor(CLUSTER_CURSOR)) % clusters.length;
  const unlisted: GrantsOn[] = [];
  const scoped: GrantsOn[] = [];
  let visited = 0;
  let swept = 0;
  // A cluster without active grants costs one store read and no AWS call, so it does not count against the bound.
  while (visited < clusters.length && swept < limits.clustersPerSweep) {
    const cluster = clusters[(start + visited) % clusters.length] as ClusterSettings;
    visited += 1;
    // Overdue grants belong to the expiry sweep. The grants are read before the lists: a grant is recorded after its
    // entry was read back, so a list taken later shows it.
    const grants = (await deps.store.activeOn(cluster.name)).filter((g) => isLive(g, now));
    if (grants.length === 0) continue;
    swept += 1;
    const found = await sweepCluster(deps, cluster, grants, result);
    if (found.unlisted.length > 0) unlisted.push({ cluster, grants: found.unlisted });
    if (found.scoped.length > 0) scoped.push({ cluster, grants: found.scoped });
  }
  if (visited < clusters.length) await deps.store.writeCursor(CLUSTER_CURSOR, (start + visited) % clusters.length);
  for (const { cluster, grants } of await inTurn(deps, unlisted, limits.confirmationsPerSweep, confirmCursor)) {
    for (const grant of grants) await checkByRead(deps, cluster, grant, {}, result);
  }
  for (const { cluster, grants } of await inTurn(deps, scoped, limits.scopeChecksPerSweep, scopeCursor)) {
    for (const grant of grants) await checkByRead(deps, cluster, grant, { entryListed: true }, result);
  }
  return result;
}

function isLive(grant: AccessRequest, now: number): boolean {
  const expiresAt = grant.outcome?.expiresAt;
  return grant.status === 'granted' && (expiresAt === undefined || expiresAt > now);
}

/**
 * Checks every grant of one cluster against what it can read for all of them at once. aws-auth grants are settled
 * by the ConfigMap itself; access-entry grants the lists show are settled, those they miss (`unlisted`) and those
 * with a prior record whose scope only a read can show (`scoped`) are left for the bounded per-grant reads.
 */
async function sweepCluster(
  deps: DriftDeps,
  cluster: ClusterSettings,
  grants: readonly AccessRequest[],
  result: DriftResult,
): Promise<{ unlisted: AccessRequest[]; scoped: AccessRequest[] }> {
  result.checked += grants.length;
  const viaAwsAuth = grants.filter((g) => g.outcome?.method === 'aws-auth');
  const viaEntries = grants.filter((g) => g.outcome?.method !== 'aws-auth');
  const unlisted: AccessRequest[] = [];
  const scoped: AccessRequest[] = [];
  if (viaAwsAuth.length > 0) {
    try {
      // Parsed once per cluster: parsing per grant made a sweep quadratic in the ConfigMap's items (issue 21 scale bench).
      const mapsArn = awsAuthArnIndex(parseAwsAuth(await readAwsAuthData(deps, cluster)));
      for (const grant of viaAwsAuth) {
        const missing = missingFromAwsAuth(grant, mapsArn);
        if (missing.length > 0) await endAsDrifted(deps, cluster, grant, missing, result);
      }
    } catch (error) {
      await clusterFailed(deps, cluster, viaAwsAuth.length, error, result);
    }
  }
  if (viaEntries.length > 0) {
    try {
      const lists = await readEntryLists(deps.gateways.forCluster(cluster).accessEntries, viaEntries);
      for (const grant of viaEntries) {
        if (!listedIntact(grant, lists)) unlisted.push(grant);
        else if (grant.preState?.prior && !isSessionGrant(grant)) scoped.push(grant);
      }
    } catch (error) {
      await clusterFailed(deps, cluster, viaEntries.length, error, result);
    }
  }
  return { unlisted, scoped };
}

/**
 * A list only ever clears a grant: one it misses is ended only when a direct read of that grant agrees (a list that
 * lags behind a fresh change must not end a grant that holds).
 */
async function checkByRead(
  deps: DriftDeps,
  cluster: ClusterSettings,
  grant: AccessRequest,
  options: { entryListed?: boolean },
  result: DriftResult,
): Promise<void> {
  let missing: string[];
  let current: AccessRequest | undefined;
  try {
    // Other clusters were listed since this grant was read: one that ended meanwhile is not read, nor given back twice.
    current = await deps.store.get(grant.id);
    if (!current || !isLive(current, deps.clock.now())) return;
    missing = await missingByRead(deps, cluster, current, options);
  } catch (error) {
    await grantFailed(deps, grant, error, result);
    return;
  }
  if (missing.length > 0) await endAsDrifted(deps, cluster, current, missing, result);
}

async function endAsDrifted(
  deps: DriftDeps,
  cluster: ClusterSettings,
  grant: AccessRequest,
  missing: readonly string[],
  result: DriftResult,
): Promise<void> {
  try {
    if (await reportDrift(deps, cluster, grant, missing)) result.drifted += 1;
  } catch (error) {
    await grantFailed(deps, grant, error, result);
  }
}

async function grantFailed(deps: DriftDeps, grant: AccessRequest, error: unknown, result: DriftResult): Promise<void> {
  result.failed += 1;
  await recordAudit(deps, {
    type: 'failed',
    actor: 'reconciler',
    requestId: grant.id,
    cluster: grant.cluster,
    detail: { code: toAdapterError(error).code, what: 'drift check' },
  });
}

/** A cluster whose lists could not be read: one audit event for all its grants, not one per grant. */
async function clusterFailed(
  deps: DriftDeps,
  cluster: ClusterSettings,
  grants: number,
  error: unknown,
  result: DriftResult,
): Promise<void> {
  result.failed += grants;
  await recordAudit(deps, {
    type: 'failed',
    actor: 'reconciler',
    cluster: cluster.name,
    detail: { code: toAdapterError(error).code, what: 'drift check', grants: String(grants) },
  });
}

function missingFromAwsAuth(grant: AccessRequest, mapsArn: ReturnType<typeof awsAuthArnIndex>): string[] {
  const plan = planAwsAuthGrant(grant.principalArn, grant.level, grant.namespaces);
  if ('refusal' in plan) return [];
  const match = mapsArn(plan.item.arn);
  return match && match.via !== 'mapAccounts' ? [] : [`aws-auth no longer maps \`${plan.item.arn}\``];
}

async function readAwsAuthData(
  deps: Pick<Deps, 'diagnostics'>,
  cluster: ClusterSettings,
): Promise<Readonly<Record<string, string>>> {
  const diagnostics = deps.diagnostics.forCluster(cluster);
  const described = await diagnostics.describeCluster();
  if (!described.connection) throw toAdapterError(new Error('DescribeCluster gave no endpoint'));
  const facts = await diagnostics.awsAuth(described.connection);
  return facts.present ? facts.data : {};
}

/**
 * Ends the grant as drifted (false when something else ended it first) and tells the thread and the approvers. A
 * grant with a prior record gives back what it can prove is its own, as any end does; what someone else changed is
 * left for a person.
 */
async function reportDrift(
  deps: Pick<
    Deps,
    'clock' | 'diagnostics' | 'gateways' | 'messages' | 'notifier' | 'queue' | 'settings' | 'store' | 'userGroups'
  >,
  cluster: ClusterSettings,
  grant: AccessRequest,
  missing: readonly string[],
): Promise<boolean> {
  const restore = await restoreIfRecorded(deps, cluster, grant);
  const end: EndInfo = {
    reason: 'drift',
    at: deps.clock.now(),
    evidence: [...missing, ...(restore?.evidence ?? [])],
    ...(restore ? { isRestore: true } : {}),
    ...(restore && restore.leftForPerson.length > 0 ? { leftForPerson: restore.leftForPerson } : {}),
  };
  const ended = await transitionRequest(
    deps,
    grant.id,
    { type: 'ended', at: end.at, end },
    {
      detail: {
        principalArn: grant.outcome?.principalArn ?? grant.principalArn,
        missing: missing.join('; '),
        ...(restore ? { evidence: restore.evidence.join('; ') } : {}),
        ...(end.leftForPerson ? { leftForPerson: end.leftForPerson.join('; ') } : {}),
      },
    },
  );
  if (ended.ended?.reason !== 'drift' || ended.ended.at !== end.at) return false;
  await deps.store.markEnded(ended);
  await refreshCards(deps, ended);
  await replyInThread(deps, ended, 'ended', endedReply(ended));
  const notice = driftNotice(ended, missing, restore !== undefined);
  const owner = requestOwner(ended.id);
  if (cluster?.approvalChannel) {
    await postOnce(deps, owner, 'drift-approvals', { channel: cluster.approvalChannel }, notice);
  } else {
    for (const approver of cluster?.approvers ?? []) {
      const dm = await deps.notifier.openDm(approver as PersonId);
      await postOnce(deps, owner, `drift:${approver}`, { channel: dm }, notice);
    }
  }
  return true;
}

async function restoreIfRecorded(
  deps: Pick<Deps, 'diagnostics' | 'gateways' | 'store'>,
  cluster: ClusterSettings,
  grant: AccessRequest,
): Promise<RestoreResult | undefined> {
  const prior = grant.outcome?.method === 'aws-auth' ? undefined : grant.preState?.prior;
  if (!prior) return undefined;
  const principal = grant.outcome?.principalArn ?? grant.principalArn;
  const others = (await deps.store.activeFor(grant.cluster, principal)).filter((o) => o.id !== grant.id);
  return restoreAccessEntry(deps, cluster, grant, principal, others, prior);
}
