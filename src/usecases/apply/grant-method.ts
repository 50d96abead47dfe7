import type { ClusterSettings } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';

/** Grants go to aws-auth when the cluster says so, or for `method: auto` on a CONFIG_MAP cluster. */
export async function usesAwsAuth(deps: Pick<Deps, 'gateways'>, cluster: ClusterSettings): Promise<boolean> {
  if (cluster.method === 'aws-auth') return true;
  if (cluster.method !== 'auto') return false;
  const info = await deps.gateways.forCluster(cluster).accessEntries.describeCluster();
  return (info.authenticationMode ?? 'CONFIG_MAP') === 'CONFIG_MAP';
}
