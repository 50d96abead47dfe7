import type { ClusterFacts } from '../../core/diagnose/evidence.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import type { DiagnosticsGateway } from '../ports/diagnostics.ts';

export type CreatorVerdictInput = { arn?: string; isKnown: boolean };

/** The creator for the safety checks, from facts already described; a failed look-up is "unknown", never a guess. */
export async function creatorFromFacts(
  diagnostics: DiagnosticsGateway,
  facts: ClusterFacts,
): Promise<CreatorVerdictInput> {
  try {
    const creator = await diagnostics.creator(facts);
    return creator.arn ? { arn: creator.arn, isKnown: true } : { isKnown: false };
  } catch {
    return { isKnown: false };
  }
}

/**
 * The facts the creator look-up needs (ARN, creation time) change only if the cluster is deleted and made again
 * under the same name; 10 minutes bounds how long a creator-safety check could act on the old cluster's creator.
 */
const CREATOR_FACTS_MAX_AGE_MS = 10 * 60_000;

/** Who created the cluster, when it can be told (cached per process); unknown otherwise, never guessed. */
export async function creatorOf(
  deps: Pick<Deps, 'diagnostics'>,
  cluster: ClusterSettings,
): Promise<CreatorVerdictInput> {
  try {
    const diagnostics = deps.diagnostics.forCluster(cluster);
    const described = await diagnostics.describeCluster({ maxAgeMs: CREATOR_FACTS_MAX_AGE_MS });
    return await creatorFromFacts(diagnostics, described.facts);
  } catch {
    return { isKnown: false };
  }
}
