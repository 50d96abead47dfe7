import { type AwsAuthDocument, parseAwsAuth } from '../../core/aws-auth/document.ts';
import { matchCaller } from '../../core/aws-auth/match.ts';
import type { PersonId } from '../../core/ids.ts';
import { driftNotice } from '../../core/messages/drift-messages.ts';
import { endedReply } from '../../core/messages/request-messages.ts';
import { scopePhrase } from '../../core/messages/restore-notes.ts';
import { scopeCovers, wantedScope } from '../../core/plan/access-entries.ts';
import { planAwsAuthGrant } from '../../core/plan/aws-auth-grant.ts';
import type { AccessRequest, EndInfo } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { toAdapterError } from '../../shared/errors.ts';
import { type RestoreResult, restoreAccessEntry } from '../end/restore-access-entry.ts';
import type { Deps } from '../ports/deps.ts';
import { postOnce, requestOwner } from '../support/post-once.ts';
import { recordAudit } from '../support/record-audit.ts';
import { refreshCards, replyInThread } from '../support/request-conversation.ts';
import { transitionRequest } from '../support/request-lifecycle.ts';
import {
  grantedPrincipal,
  isSessionGrant,
  missingFromLists,
  policiesInUse,
  readEntryLists,
} from './drift-entry-lists.ts';
import { ringWindow, shareOut } from './drift-rotation.ts';

/**
 * How much one sweep may ask of EKS and the clusters. Each swept cluster costs one unfiltered ListAccessEntries and
 * one filtered by each access policy its grants hold (all pages, 100 entries each), or one DescribeCluster and one
 * ConfigMap read for aws-auth grants, whatever the number of grants; scope reads, the only per-grant call left, are
 * bounded on their own.
 */
export interface DriftLimits {
  /** Clusters with active grants swept per sweep; with more configured, the next sweep goes on where this one stopped. */
  clustersPerSweep: number;
  /** ListAssociatedAccessPolicies reads per sweep, for grants with an exact prior record (no list shows a scope). */
  scopeChecksPerSweep: number;
}
export const DRIFT_LIMITS: Readonly<DriftLimits> = { clustersPerSweep: 10, scopeChecksPerSweep: 20 };

export interface DriftResult {
  checked: number;
  drifted: number;
  failed: number;
}

/** Store cursors (readCursor/writeCursor) of the two rotations. */
const CLUSTER_CURSOR = 'drift-clusters';
const scopeCursor = (cluster: string) => `drift-scope:${cluster}`;

type DriftDeps = Pick<
  Deps,
  | 'audit'
  | 'clock'
  | 'diagnostics'
  | 'gateways'
  | 'messages'
  | 'notifier'
  | 'queue'
  | 'settings'
  | 'store'
  | 'userGroups'
>;

interface ScopeCandidates {
  cluster: ClusterSettings;
  grants: AccessRequest[];
}

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
  const scopeCandidates: ScopeCandidates[] = [];
  let visited = 0;
  let swept = 0;
  // A cluster without active grants costs one store read and no AWS call, so it does not count against the bound.
  while (visited < clusters.length && swept < limits.clustersPerSweep) {
    const cluster = clusters[(start + visited) % clusters.length] as ClusterSettings;
    visited += 1;
    // Overdue grants belong to the expiry sweep. The grants are read before the lists: a grant recorded after its
    // entry was read back, so a list taken later always shows it (the other order could end a grant that holds).
    const grants = (await deps.store.activeOn(cluster.name)).filter((g) => isLive(g, now));
    if (grants.length === 0) continue;
    swept += 1;
    const candidates = await sweepCluster(deps, cluster, grants, result);
    if (candidates.length > 0) scopeCandidates.push({ cluster, grants: candidates });
  }
  if (visited < clusters.length) await deps.store.writeCursor(CLUSTER_CURSOR, (start + visited) % clusters.length);
  await checkScopes(deps, scopeCandidates, limits.scopeChecksPerSweep, result);
  return result;
}

function isLive(grant: AccessRequest, now: number): boolean {
  const expiresAt = grant.outcome?.expiresAt;
  return grant.status === 'granted' && (expiresAt === undefined || expiresAt > now);
}

/** Checks every grant of one cluster against its lists; returns the intact ones whose scope only a read can check. */
async function sweepCluster(
  deps: DriftDeps,
  cluster: ClusterSettings,
  grants: readonly AccessRequest[],
  result: DriftResult,
): Promise<AccessRequest[]> {
  result.checked += grants.length;
  const viaAwsAuth = grants.filter((g) => g.outcome?.method === 'aws-auth');
  const viaEntries = grants.filter((g) => g.outcome?.method !== 'aws-auth');
  const drifted: { grant: AccessRequest; missing: string[] }[] = [];
  const scopeCandidates: AccessRequest[] = [];
  if (viaAwsAuth.length > 0) {
    try {
      // Parsed once per cluster: parsing per grant made a sweep quadratic in the ConfigMap's items (issue 21 scale bench).
      const doc = parseAwsAuth(await readAwsAuthData(deps, cluster));
      for (const grant of viaAwsAuth) drifted.push({ grant, missing: missingFromAwsAuth(grant, doc) });
    } catch (error) {
      await clusterFailed(deps, cluster, viaAwsAuth.length, error, result);
    }
  }
  if (viaEntries.length > 0) {
    try {
      const lists = await readEntryLists(deps.gateways.forCluster(cluster).accessEntries, policiesInUse(viaEntries));
      for (const grant of viaEntries) {
        const missing = missingFromLists(grant, lists);
        drifted.push({ grant, missing });
        // A grant with an exact prior record is given back exactly, so a scope narrowed by hand below what it asked
        // for is drift too (older grants only ever checked that the policy is there).
        if (missing.length === 0 && grant.preState?.prior && !isSessionGrant(grant)) scopeCandidates.push(grant);
      }
    } catch (error) {
      await clusterFailed(deps, cluster, viaEntries.length, error, result);
    }
  }
  for (const { grant, missing } of drifted) {
    if (missing.length > 0) await endAsDrifted(deps, cluster, grant, missing, result);
  }
  return scopeCandidates;
}

/**
 * The scope reads: at most `budget` per sweep, shared round-robin between the swept clusters, each cluster's grants
 * visited in turn over successive sweeps (a store cursor per cluster).
 */
async function checkScopes(
  deps: DriftDeps,
  groups: readonly ScopeCandidates[],
  budget: number,
  result: DriftResult,
): Promise<void> {
  const shares = shareOut(
    budget,
    groups.map((g) => g.grants.length),
  );
  for (const [i, { cluster, grants }] of groups.entries()) {
    const share = shares[i] ?? 0;
    if (share === 0) continue;
    let window = grants;
    if (share < grants.length) {
      const ordered = [...grants].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const ring = ringWindow(ordered, await deps.store.readCursor(scopeCursor(cluster.name)), share);
      await deps.store.writeCursor(scopeCursor(cluster.name), ring.next);
      window = ring.window;
    }
    for (const grant of window) {
      let missing: string[];
      try {
        missing = await missingScope(deps, cluster, grant);
      } catch (error) {
        await grantFailed(deps, grant, error, result);
        continue;
      }
      if (missing.length > 0) await endAsDrifted(deps, cluster, grant, missing, result);
    }
  }
}

async function missingScope(
  deps: Pick<Deps, 'gateways'>,
  cluster: ClusterSettings,
  grant: AccessRequest,
): Promise<string[]> {
  const principal = grantedPrincipal(grant);
  const policyArn = grant.outcome?.policyArn ?? '';
  const policies = await deps.gateways.forCluster(cluster).accessEntries.listAssociatedPolicies(principal);
  const held = policies.find((p) => p.policyArn === policyArn);
  // Taken away between the list and this read.
  if (!held) return [`policy \`${policyArn}\` is no longer associated with \`${principal}\``];
  const wanted = wantedScope(grant.namespaces);
  if (scopeCovers(held.scope, wanted)) return [];
  return [
    `policy \`${policyArn}\` of \`${principal}\` is on ${scopePhrase(held.scope)}, no longer ${scopePhrase(wanted)} as granted`,
  ];
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

function missingFromAwsAuth(grant: AccessRequest, doc: AwsAuthDocument): string[] {
  const plan = planAwsAuthGrant(grant.principalArn, grant.level, grant.namespaces);
  if ('refusal' in plan) return [];
  const match = matchCaller(doc, plan.item.arn);
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
