import { parseAwsAuth } from '../../core/aws-auth/document.ts';
import { matchCaller } from '../../core/aws-auth/match.ts';
import type { PersonId } from '../../core/ids.ts';
import { driftNotice } from '../../core/messages/drift-messages.ts';
import { endedReply } from '../../core/messages/request-messages.ts';
import { scopePhrase } from '../../core/messages/restore-notes.ts';
import { scopeCovers, wantedScope } from '../../core/plan/access-entries.ts';
import { planAwsAuthGrant } from '../../core/plan/aws-auth-grant.ts';
import type { AccessRequest, EndInfo } from '../../core/request/request.ts';
import { type ClusterSettings, findCluster } from '../../core/settings.ts';
import { toAdapterError } from '../../shared/errors.ts';
import { type RestoreResult, restoreAccessEntry } from '../end/restore-access-entry.ts';
import type { Deps } from '../ports/deps.ts';
import { postOnce, requestOwner } from '../support/post-once.ts';
import { recordAudit } from '../support/record-audit.ts';
import { refreshCards, replyInThread } from '../support/request-conversation.ts';
import { transitionRequest } from '../support/request-lifecycle.ts';

/**
 * How much one sweep may ask of EKS and the clusters. With 10,000 active grants a full pass takes
 * 10,000 / grantsPerSweep sweeps; each checked grant costs at most two EKS reads (entry, policies), and each
 * aws-auth cluster one DescribeCluster and one ConfigMap read.
 */
export interface DriftLimits {
  grantsPerSweep: number;
  clustersPerSweep: number;
}
export const DRIFT_LIMITS: Readonly<DriftLimits> = { grantsPerSweep: 50, clustersPerSweep: 10 };

export interface DriftResult {
  checked: number;
  drifted: number;
  failed: number;
}

/**
 * Compares active bot grants with the clusters' real state, a rotating window at a time: a granted access entry,
 * policy or aws-auth item that is gone was removed by hand. That grant is ended (reason `drift`, nothing else is
 * touched), the thread and the approvers are told, and the audit trail gets a `drift` event. Read-only on AWS, except
 * that a grant with an exact prior record gives back what it can prove is its own, as every end does.
 */
export async function checkDrift(
  deps: Pick<
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
  >,
  limits: Readonly<DriftLimits> = DRIFT_LIMITS,
): Promise<DriftResult> {
  const now = deps.clock.now();
  const window = await deps.store.rotateActive(limits.grantsPerSweep);
  const byCluster = new Map<string, AccessRequest[]>();
  for (const grant of window) {
    const expiresAt = grant.outcome?.expiresAt;
    // Overdue grants belong to the expiry sweep. A new grant was read back before it was recorded, so it is
    // checked at once.
    if (grant.status !== 'granted' || (expiresAt !== undefined && expiresAt <= now)) continue;
    const list = byCluster.get(grant.cluster) ?? [];
    if (list.length === 0 && byCluster.size >= limits.clustersPerSweep) continue;
    list.push(grant);
    byCluster.set(grant.cluster, list);
  }
  const result: DriftResult = { checked: 0, drifted: 0, failed: 0 };
  for (const [name, grants] of byCluster) {
    const cluster = findCluster(deps.settings, name);
    if (!cluster) continue;
    const awsAuthData = lazy(() => readAwsAuthData(deps, cluster));
    for (const grant of grants) {
      try {
        result.checked += 1;
        const missing =
          grant.outcome?.method === 'aws-auth'
            ? await missingFromAwsAuth(grant, await awsAuthData())
            : await missingAccessEntry(deps, cluster, grant);
        if (missing.length > 0 && (await reportDrift(deps, cluster, grant, missing))) result.drifted += 1;
      } catch (error) {
        result.failed += 1;
        await recordAudit(deps, {
          type: 'failed',
          actor: 'reconciler',
          requestId: grant.id,
          cluster: grant.cluster,
          detail: { code: toAdapterError(error).code, what: 'drift check' },
        });
      }
    }
  }
  return result;
}

async function missingAccessEntry(
  deps: Pick<Deps, 'gateways'>,
  cluster: ClusterSettings,
  grant: AccessRequest,
): Promise<string[]> {
  const entries = deps.gateways.forCluster(cluster).accessEntries;
  const principal = grant.outcome?.principalArn ?? grant.principalArn;
  const entry = await entries.describeAccessEntry(principal);
  if (!entry) return [`access entry \`${principal}\` is gone`];
  // A per-person grant (issue 19) holds no policy on the role: its access is the entry plus RBAC for one username.
  if (grant.outcome?.sessionUsername !== undefined) return [];
  const policyArn = grant.outcome?.policyArn ?? '';
  const policies = await entries.listAssociatedPolicies(principal);
  const held = policies.find((p) => p.policyArn === policyArn);
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

function missingFromAwsAuth(grant: AccessRequest, data: Readonly<Record<string, string>>): string[] {
  const plan = planAwsAuthGrant(grant.principalArn, grant.level, grant.namespaces);
  if ('refusal' in plan) return [];
  const match = matchCaller(parseAwsAuth(data), plan.item.arn);
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

function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load();
    return pending;
  };
}
