import type { ClusterSettings } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';

/**
 * Whether eks-access writes this cluster's grants to aws-auth: when the cluster says so, or for `method: auto` on a
 * CONFIG_MAP cluster. An API_AND_CONFIG_MAP cluster under `auto` gets access entries, though its authenticator still
 * reads aws-auth (core/diagnose `awsAuthIsConsulted`).
 */
export async function grantsThroughAwsAuth(deps: Pick<Deps, 'gateways'>, cluster: ClusterSettings): Promise<boolean> {
  if (cluster.method === 'aws-auth') return true;
  if (cluster.method !== 'auto') return false;
  const info = await deps.gateways.forCluster(cluster).accessEntries.describeCluster();
  return (info.authenticationMode ?? 'CONFIG_MAP') === 'CONFIG_MAP';
}
