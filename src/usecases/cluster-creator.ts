import type { ClusterSettings } from '../core/directory.ts';
import type { Deps } from './ports.ts';

/** Who created the cluster, when it can be told (cached per process); unknown otherwise, never guessed. */
export async function creatorOf(
  deps: Pick<Deps, 'diagnostics'>,
  cluster: ClusterSettings,
): Promise<{ arn?: string; isKnown: boolean }> {
  try {
    const diagnostics = deps.diagnostics.forCluster(cluster);
    const facts = await diagnostics.creator((await diagnostics.describeCluster()).facts);
    return facts.arn ? { arn: facts.arn, isKnown: true } : { isKnown: false };
  } catch {
    return { isKnown: false };
  }
}
