import {
  type AwsAuthSeen,
  classifyAccess,
  type EntrySeen,
  type WhoHasAccess,
} from '../../core/access/who-has-access.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { AdapterError, toAdapterError } from '../../shared/errors.ts';
import type { Deps } from '../ports/deps.ts';
import type { AccessEntries } from '../ports/eks.ts';

/** Entries described one by one (DescribeAccessEntry + ListAssociatedAccessPolicies); beyond this the reply says so. */
export const WHO_HAS_ACCESS_ENTRY_LIMIT = 200;
const CONCURRENCY = 8;

/**
 * Everything that lets someone into the cluster: the bot's active grants, every access entry with its policies
 * (ListAccessEntries, then each entry), and the aws-auth items (read through the diagnostics path, as the
 * diagnosis does). Read-only. Throws AdapterError when EKS does not answer; aws-auth failing is reported inline.
 */
export async function whoHasAccess(
  deps: Pick<Deps, 'diagnostics' | 'gateways' | 'store'>,
  cluster: ClusterSettings,
): Promise<WhoHasAccess & { entriesNotShown: number }> {
  const grants = await deps.store.activeOn(cluster.name);
  const entries = deps.gateways.forCluster(cluster).accessEntries;
  const principals = await listPrincipalsIfAny(entries);
  const shown = principals.slice(0, WHO_HAS_ACCESS_ENTRY_LIMIT);
  const seen: EntrySeen[] = [];
  for (let i = 0; i < shown.length; i += CONCURRENCY) {
    const batch = await Promise.all(
      shown.slice(i, i + CONCURRENCY).map(async (principalArn): Promise<EntrySeen | undefined> => {
        const entry = await entries.describeAccessEntry(principalArn);
        if (!entry) return undefined; // deleted between the list and the look-up
        const policies = await entries.listAssociatedPolicies(principalArn);
        return {
          principalArn: entry.principalArn,
          type: entry.type,
          tags: entry.tags,
          policies: policies.map((p) => ({
            policyArn: p.policyArn,
            scope: p.scope.type === 'namespace' ? `namespaces ${p.scope.namespaces.join(', ')}` : 'cluster',
          })),
        };
      }),
    );
    seen.push(...batch.filter((e): e is EntrySeen => e !== undefined));
  }
  const awsAuth = await readAwsAuth(deps, cluster);
  return { ...classifyAccess({ grants, entries: seen, awsAuth }), entriesNotShown: principals.length - shown.length };
}

async function readAwsAuth(deps: Pick<Deps, 'diagnostics'>, cluster: ClusterSettings): Promise<AwsAuthSeen> {
  try {
    const diagnostics = deps.diagnostics.forCluster(cluster);
    const described = await diagnostics.describeCluster();
    if (described.facts.authenticationMode === 'API') return { data: {} };
    if (!described.connection) return { unavailable: 'DescribeCluster gave no endpoint' };
    const facts = await diagnostics.awsAuth(described.connection);
    return { data: facts.present ? facts.data : {} };
  } catch (error) {
    return { unavailable: `${toAdapterError(error).code}` };
  }
}

/** A CONFIG_MAP cluster has no access entries: EKS refuses the call, and the answer is "none" (aws-auth still shows). */
async function listPrincipalsIfAny(entries: AccessEntries): Promise<string[]> {
  try {
    return await entries.listPrincipals();
  } catch (error) {
    if (error instanceof AdapterError && error.code === 'aws_wrong_mode') return [];
    throw error;
  }
}
