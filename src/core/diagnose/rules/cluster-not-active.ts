import { waitActiveCommand } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';

/** The cluster exists but is not ACTIVE: creating, updating (a mode change, an upgrade), deleting or failed. */
export function clusterNotActive(e: Evidence): Finding | undefined {
  if (!e.clusterInfo.known || !e.clusterInfo.value.found) return undefined;
  const status = e.clusterInfo.value.status;
  if (status === undefined || status === 'ACTIVE') return undefined;
  const { name, region } = e.cluster;
  const evidence = [`DescribeCluster ${name} in ${region}: status ${status}`];
  if (status === 'UPDATING') {
    return {
      rule: 'cluster-not-active',
      severity: 'warning',
      title: `Cluster ${name} is UPDATING: access changes may take effect only when it is ACTIVE again`,
      evidence,
      fix: 'The API server usually keeps answering during an update, but mode and access changes settle only at the end. Wait until the cluster is ACTIVE and retry.',
      fixCommand: waitActiveCommand(e),
      symptom: 'transient',
    };
  }
  const waitable = status === 'CREATING' || status === 'PENDING';
  return {
    rule: 'cluster-not-active',
    severity: 'blocker',
    title: `Cluster ${name} is ${status}, not ACTIVE`,
    evidence,
    fix: waitable
      ? 'The cluster is not ready yet. Wait until it is ACTIVE, then retry.'
      : `A ${status} cluster does not serve requests; ask the cluster owners what happened to it.`,
    fixCommand: waitable ? waitActiveCommand(e) : `aws eks describe-cluster --name ${name} --region ${region}`,
    ...(waitable ? { symptom: 'transient' as const } : {}),
  };
}
