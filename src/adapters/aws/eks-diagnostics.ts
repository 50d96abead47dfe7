import {
  DescribeAccessEntryCommand,
  type EKSClient,
  ListAccessEntriesCommand,
  ListAssociatedAccessPoliciesCommand,
} from '@aws-sdk/client-eks';
import type { AccessEntryFacts, AuthenticationMode, ClusterFacts } from '../../core/diagnose/evidence.ts';
import type { AccessScope } from '../../core/plan/access-entries.ts';
import { AdapterError, failedCall } from '../../shared/errors.ts';
import type { ClusterConnection } from '../../usecases/ports/eks.ts';
import type { ClusterDescriptions } from './cluster-descriptions.ts';

const MODES: readonly string[] = ['API', 'API_AND_CONFIG_MAP', 'CONFIG_MAP'];

/** DescribeCluster as facts; a cluster missing in the configured region is a fact too, not an error. */
export async function describeClusterFacts(
  descriptions: ClusterDescriptions,
  maxAgeMs = 0,
): Promise<{ facts: ClusterFacts; connection?: ClusterConnection }> {
  try {
    const cluster = await descriptions.describe(maxAgeMs);
    const mode = cluster?.accessConfig?.authenticationMode;
    const facts: ClusterFacts = {
      found: true,
      ...(cluster?.status ? { status: cluster.status } : {}),
      // No accessConfig means a platform version from before access entries: CONFIG_MAP only.
      authenticationMode: mode && MODES.includes(mode) ? (mode as AuthenticationMode) : 'CONFIG_MAP',
      ...(cluster?.endpoint ? { endpoint: cluster.endpoint } : {}),
      ...(cluster?.arn ? { arn: cluster.arn } : {}),
      ...(cluster?.createdAt ? { createdAt: cluster.createdAt.getTime() } : {}),
      ...(cluster?.accessConfig?.bootstrapClusterCreatorAdminPermissions !== undefined
        ? { bootstrapClusterCreatorAdminPermissions: cluster.accessConfig.bootstrapClusterCreatorAdminPermissions }
        : {}),
    };
    const caData = cluster?.certificateAuthority?.data;
    return { facts, ...(cluster?.endpoint && caData ? { connection: { endpoint: cluster.endpoint, caData } } : {}) };
  } catch (error) {
    const adapterError = failedCall('eks:DescribeCluster', error);
    if (adapterError.code === 'aws_not_found') return { facts: { found: false } };
    throw adapterError;
  }
}

/** The principal's entry, its policies, and every principal that has an entry (to spot other spellings). */
export async function accessEntryFacts(
  client: EKSClient,
  clusterName: string,
  principalArn: string,
): Promise<AccessEntryFacts> {
  const [entry, policies, all] = await Promise.all([
    describeEntry(client, clusterName, principalArn),
    listPolicies(client, clusterName, principalArn),
    listAllPrincipals(client, clusterName),
  ]);
  return { lookedUp: principalArn, ...(entry ? { entry } : {}), policies, allPrincipalArns: all };
}

async function describeEntry(client: EKSClient, clusterName: string, principalArn: string) {
  try {
    const { accessEntry } = await client.send(new DescribeAccessEntryCommand({ clusterName, principalArn }));
    if (!accessEntry) return undefined;
    return {
      principalArn: accessEntry.principalArn ?? principalArn,
      type: accessEntry.type ?? 'STANDARD',
      ...(accessEntry.username ? { username: accessEntry.username } : {}),
      kubernetesGroups: accessEntry.kubernetesGroups ?? [],
      ...(accessEntry.createdAt ? { createdAt: accessEntry.createdAt.getTime() } : {}),
      tags: accessEntry.tags ?? {},
    };
  } catch (error) {
    const adapterError = failedCall('eks:DescribeAccessEntry', error);
    if (adapterError.code === 'aws_not_found') return undefined;
    throw adapterError;
  }
}

async function listPolicies(client: EKSClient, clusterName: string, principalArn: string) {
  const policies: { policyArn: string; scope: AccessScope }[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(new ListAssociatedAccessPoliciesCommand({ clusterName, principalArn, nextToken }));
      for (const p of page.associatedAccessPolicies ?? []) {
        if (!p.policyArn) continue;
        const scope: AccessScope =
          p.accessScope?.type === 'namespace'
            ? { type: 'namespace', namespaces: p.accessScope.namespaces ?? [] }
            : { type: 'cluster' };
        policies.push({ policyArn: p.policyArn, scope });
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    const adapterError = failedCall('eks:ListAssociatedAccessPolicies', error);
    if (adapterError.code === 'aws_not_found') return [];
    throw adapterError;
  }
  return policies;
}

/**
 * Every principal with an entry, or with `associatedPolicyArn` associated at any scope (EKS filters server-side).
 * At most 3,000 entries per cluster (EKS quota), 100 per page: bounded.
 */
export async function listAllPrincipals(
  client: EKSClient,
  clusterName: string,
  associatedPolicyArn?: string,
): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 40; page++) {
    const result = await client
      .send(
        new ListAccessEntriesCommand({
          clusterName,
          nextToken,
          maxResults: 100,
          ...(associatedPolicyArn === undefined ? {} : { associatedPolicyArn }),
        }),
      )
      .catch((error: unknown) => {
        throw failedCall('eks:ListAccessEntries', error);
      });
    arns.push(...(result.accessEntries ?? []));
    nextToken = result.nextToken;
    if (!nextToken) return arns;
  }
  throw new AdapterError('aws_invalid', false, { upstream: 'ListAccessEntries paged past the 3,000-entry quota' });
}

/** Entries holding a policy, for the creator fallback (the bootstrap entry holds AmazonEKSClusterAdminPolicy). */
export async function entriesWithPolicy(client: EKSClient, clusterName: string, policyArn: string) {
  const found: { principalArn: string; createdAt?: number }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListAccessEntriesCommand({ clusterName, associatedPolicyArn: policyArn, nextToken, maxResults: 100 }),
    );
    for (const principalArn of page.accessEntries ?? []) {
      const entry = await describeEntry(client, clusterName, principalArn);
      found.push({ principalArn, ...(entry?.createdAt ? { createdAt: entry.createdAt } : {}) });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return found;
}
