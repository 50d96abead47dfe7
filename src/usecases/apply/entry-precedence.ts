import { parseAwsAuth } from '../../core/aws-auth/document.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { plainText } from '../../core/messages/rich.ts';
import { decideEntryPrecedence, type EntryPrecedence, precedenceLine } from '../../core/plan/entry-precedence.ts';
import type { AccessRequest, EntryPrecedenceInfo, FailureInfo } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { AdapterError, toAdapterError } from '../../shared/errors.ts';
import type { Deps } from '../ports/deps.ts';
import { recordAudit } from '../support/record-audit.ts';

/**
 * Reads aws-auth through the cluster's Kubernetes API (as the aws-auth executor does) and decides whether an
 * access entry may be created for the principal, and with which username and groups (core entry-precedence).
 * No ConfigMap at all: nothing is mapped. Throws AdapterError when aws-auth cannot be read.
 */
export async function readEntryPrecedence(
  deps: Pick<Deps, 'diagnostics' | 'awsAuth'>,
  cluster: ClusterSettings,
  principalArn: string,
): Promise<EntryPrecedence> {
  const described = await deps.diagnostics.forCluster(cluster).describeCluster();
  if (!described.connection) {
    throw new AdapterError('aws_unavailable', true, { upstream: 'DescribeCluster gave no endpoint or CA' });
  }
  const current = await deps.awsAuth.forCluster(cluster, described.connection).read();
  if (!current) return { kind: 'unmapped' };
  return decideEntryPrecedence(parseAwsAuth(current.data), principalArn, cluster.name);
}

/**
 * The check before CreateAccessEntry on an API_AND_CONFIG_MAP cluster: what the entry must carry, or the failure
 * to record (audited as a refusal; nothing is written).
 *
 * Fail closed: when aws-auth cannot be read the AdapterError propagates, so the job retries and, on its last
 * attempt, fails with the reason. Creating the entry blind could take `system:nodes` away from a node role
 * (every node of the group goes NotReady) or replace someone's cluster-admin; a grant that waits is the lesser harm.
 */
export async function entryPrecedenceCheck(
  deps: Pick<Deps, 'diagnostics' | 'awsAuth' | 'audit' | 'clock'>,
  cluster: ClusterSettings,
  request: AccessRequest,
  principalArn: string,
): Promise<{ carry: { username?: string; kubernetesGroups?: readonly string[] } } | { failure: FailureInfo }> {
  const decision = await readEntryPrecedence(deps, cluster, principalArn);
  if (decision.kind === 'unmapped') return { carry: {} };
  if (decision.kind === 'carry') {
    return {
      carry: {
        ...(decision.username !== undefined ? { username: decision.username } : {}),
        ...(decision.kubernetesGroups.length > 0 ? { kubernetesGroups: decision.kubernetesGroups } : {}),
      },
    };
  }
  const message = plainText(describeRefusal(decision.refusal));
  await recordAudit(deps, {
    type: 'refused',
    actor: 'eks-access',
    requestId: request.id,
    cluster: request.cluster,
    detail: { code: decision.refusal.code, message, principalArn },
  });
  return { failure: { code: decision.refusal.code, message, at: deps.clock.now() } };
}

/**
 * For the approval card, when the request is filed: only on API_AND_CONFIG_MAP clusters (in API mode aws-auth is
 * ignored; CONFIG_MAP clusters grant through aws-auth). A read failure is shown, not fatal: the executor checks
 * again before it creates the entry.
 */
export async function entryPrecedencePreview(
  deps: Pick<Deps, 'gateways' | 'diagnostics' | 'awsAuth'>,
  cluster: ClusterSettings,
  principalArn: string,
): Promise<EntryPrecedenceInfo | undefined> {
  try {
    const info = await deps.gateways.forCluster(cluster).accessEntries.describeCluster({ maxAgeMs: 10 * 60_000 });
    if (info.authenticationMode !== 'API_AND_CONFIG_MAP') return undefined;
    return precedenceLine(await readEntryPrecedence(deps, cluster, principalArn), principalArn);
  } catch (error) {
    const adapterError = toAdapterError(error);
    return {
      text: `aws-auth could not be read (${adapterError.code}); eks-access checks it again before creating the entry, and refuses if it still cannot`,
      isRefused: false,
    };
  }
}
