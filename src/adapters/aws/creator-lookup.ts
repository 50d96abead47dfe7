import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { EKSClient } from '@aws-sdk/client-eks';
import { partitionOfRegion } from '../../config/partition.ts';
import { creatorFromRecord, eksClusterNameOf } from '../../core/cloudtrail/creator-event.ts';
import type { ClusterFacts, CreatorFacts } from '../../core/diagnose/evidence.ts';
import { accessPolicyArn } from '../../core/levels.ts';
import { failedCall, toAdapterError } from '../../shared/errors.ts';
import type { SharedAnswers } from '../store/shared-answers.ts';
import { entriesWithPolicy } from './eks-diagnostics.ts';
import { createRateLimiter } from './rate-limiter.ts';

/** LookupEvents only sees management events of the last 90 days. */
export const CLOUDTRAIL_HISTORY_MS = 90 * 24 * 3600_000;
/** The CreateCluster event is recorded around the cluster's createdAt; search a window either side. */
const WINDOW_MS = 15 * 60_000;
/** Under CloudTrail's 2 calls/s per account and region, leaving room for other tools. */
const LOOKUPS_PER_SECOND = 1.5;
const MAX_PAGES = 10;
/**
 * A CloudTrail answer never changes; an inference (the bootstrap entry) or "unknown" may, once someone fixes
 * the trail or the entry, so processes share it for an hour only.
 */
const INFERRED_ANSWER_TTL_MS = 3_600_000;

/**
 * One LookupEvents limiter per account and region (`<account>|<region>`), shared by every CloudTrail look-up of a
 * process (the creator, who changed an entry), since the service's limit is per account and region.
 */
export function createCloudTrailLimiters(now: () => number = Date.now): (key: string) => () => Promise<void> {
  const limiters = new Map<string, () => Promise<void>>();
  return (key) => {
    let limiter = limiters.get(key);
    if (!limiter) {
      limiter = createRateLimiter(LOOKUPS_PER_SECOND, now);
      limiters.set(key, limiter);
    }
    return limiter;
  };
}

export interface CreatorLookup {
  creator(cluster: { name: string; accountId: string; region: string }, facts: ClusterFacts): Promise<CreatorFacts>;
  /** LookupEvents calls made, for tests and the benchmark. */
  readonly lookups: number;
}

/**
 * Who created each cluster. The answer never changes, so it is cached for the life of the process, and
 * concurrent diagnoses of one cluster share a single in-flight look-up. Failures are not cached.
 */
export function createCreatorLookup(
  clientsFor: (cluster: { name: string }) => { cloudtrail: CloudTrailClient; eks: EKSClient },
  now: () => number = Date.now,
  shared?: SharedAnswers,
  limiterFor: (key: string) => () => Promise<void> = createCloudTrailLimiters(now),
): CreatorLookup {
  const cache = new Map<string, Promise<CreatorFacts>>();
  let lookups = 0;

  async function lookUp(cluster: { name: string; accountId: string; region: string }, facts: ClusterFacts) {
    const { cloudtrail, eks } = clientsFor(cluster);
    if (facts.createdAt === undefined) return { source: 'unknown', note: 'the cluster has no creation time' } as const;
    if (now() - facts.createdAt > CLOUDTRAIL_HISTORY_MS) return await fromBootstrapEntry(eks, cluster, facts);
    const limiter = limiterFor(`${cluster.accountId}|${cluster.region}`);
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      await limiter();
      lookups += 1;
      const result = await cloudtrail
        .send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateCluster' }],
            StartTime: new Date(facts.createdAt - WINDOW_MS),
            EndTime: new Date(facts.createdAt + WINDOW_MS),
            MaxResults: 50,
            NextToken: nextToken,
          }),
        )
        .catch((error: unknown) => {
          throw failedCall('cloudtrail:LookupEvents', error);
        });
      for (const event of result.Events ?? []) {
        const record = parseRecord(event.CloudTrailEvent);
        if (eksClusterNameOf(record) !== cluster.name) continue;
        const creator = creatorFromRecord(record);
        const eventTime = event.EventTime?.getTime();
        const time = eventTime !== undefined ? { eventTime } : {};
        if (creator.kind === 'principal') {
          const via = creator.invokedBy ? ` (through ${creator.invokedBy})` : '';
          return {
            arn: creator.arn,
            source: 'cloudtrail',
            note: `CloudTrail CreateCluster by ${creator.identityType}${via}`,
            ...time,
          } as const;
        }
        return { source: 'unknown', note: `CloudTrail CreateCluster: ${creator.reason}`, ...time } as const;
      }
      nextToken = result.NextToken;
      if (!nextToken) break;
    }
    return await fromBootstrapEntry(
      eks,
      cluster,
      facts,
      'no EKS CreateCluster event for this cluster in CloudTrail (wrong region, or another trail)',
    );
  }

  return {
    get lookups() {
      return lookups;
    },
    creator(cluster, facts) {
      const key = `${cluster.accountId}|${cluster.region}|${cluster.name}`;
      const cached = cache.get(key);
      if (cached) return cached;
      // Across processes too: N workers make one CloudTrail search per cluster, not N.
      const pending = (
        shared
          ? shared.once(`creator:${key}`, async () => {
              const found = await lookUp(cluster, facts);
              return found.source === 'cloudtrail' ? { value: found } : { value: found, ttlMs: INFERRED_ANSWER_TTL_MS };
            })
          : lookUp(cluster, facts)
      ).catch((error: unknown) => {
        cache.delete(key);
        throw toAdapterError(error);
      });
      cache.set(key, pending);
      return pending;
    },
  };
}

/**
 * Past CloudTrail's 90 days: with bootstrap admin on and access entries enabled, EKS made a cluster-admin
 * entry for the creator at creation time. An inference, so the note says which source was used.
 */
async function fromBootstrapEntry(
  eks: EKSClient,
  { name: clusterName, region }: { name: string; region: string },
  facts: ClusterFacts,
  why = 'CreateCluster is older than the 90 days CloudTrail LookupEvents keeps',
): Promise<CreatorFacts> {
  if (facts.authenticationMode === 'CONFIG_MAP' || facts.bootstrapClusterCreatorAdminPermissions === false) {
    return { source: 'unknown', note: `${why}; the cluster has no bootstrap access entry to fall back on` };
  }
  const { partition } = partitionOfRegion(region);
  const admins = await entriesWithPolicy(eks, clusterName, accessPolicyArn('cluster-admin', partition));
  const createdAt = facts.createdAt ?? 0;
  const near = admins.filter((e) => e.createdAt !== undefined && Math.abs(e.createdAt - createdAt) <= WINDOW_MS);
  if (near.length === 1 && near[0]) {
    return {
      arn: near[0].principalArn,
      source: 'access-entry',
      note: `${why}; inferred from the cluster-admin access entry made at creation`,
    };
  }
  return { source: 'unknown', note: `${why}; ${near.length} cluster-admin entries date from creation` };
}

function parseRecord(raw: string | undefined): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
