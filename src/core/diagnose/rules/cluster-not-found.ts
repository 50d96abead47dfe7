import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';

/** DescribeCluster answered ResourceNotFound in the configured Region (cause 12: wrong name, Region or account). */
export function clusterNotFound(e: Evidence): Finding | undefined {
  if (!e.clusterInfo.known || e.clusterInfo.value.found) return undefined;
  const { name, region, accountId } = e.cluster;
  return {
    rule: 'cluster-not-found',
    severity: 'blocker',
    title: `Cluster ${name} was not found in ${region} (account ${accountId})`,
    evidence: [`DescribeCluster ${name} in ${region}, account ${accountId}: ResourceNotFound`],
    fix:
      'Check the cluster name, Region and account: the bot configuration or your kubeconfig may point at another cluster. ' +
      'List the clusters in the Region, then rewrite your kubeconfig entry for the right one.',
    fixCommand: `aws eks list-clusters --region ${region}`,
    symptom: 'unauthorized',
  };
}
