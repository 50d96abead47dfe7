import { type Cluster, DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';

/**
 * One cluster's DescribeCluster answers, shared by every gateway of that cluster in this process. A grant needs
 * the cluster's mode and creator facts, which change rarely (and the mode only forward): under a burst of grants
 * one call every few seconds answers them all instead of two calls per grant, which is also fewer calls for AWS
 * to throttle. Callers that must see the cluster as it is now (mode switches, diagnosis, drift) ask with no age.
 */
export interface ClusterDescriptions {
  /**
   * The cluster as EKS described it at most `maxAgeMs` ago; `0` (the default) always calls. Concurrent callers
   * that accept an age share the call in flight. SDK errors are thrown as they come (callers map them).
   */
  describe(maxAgeMs?: number): Promise<Cluster | undefined>;
  /** Forgets the last answer, after this process changed the cluster (UpdateClusterConfig). */
  forget(): void;
}

export function createClusterDescriptions(
  client: EKSClient,
  name: string,
  now: () => number = Date.now,
): ClusterDescriptions {
  let last: { at: number; cluster: Cluster | undefined } | undefined;
  let inFlight: Promise<Cluster | undefined> | undefined;
  // A call started before `forget` must not store its (older) answer after it.
  let generation = 0;
  const call = (): Promise<Cluster | undefined> => {
    const startedAt = now();
    const startedIn = generation;
    const pending = client.send(new DescribeClusterCommand({ name })).then(({ cluster }) => {
      if (startedIn === generation && (!last || last.at <= startedAt)) last = { at: startedAt, cluster };
      return cluster;
    });
    inFlight = pending;
    const clear = () => {
      if (inFlight === pending) inFlight = undefined;
    };
    pending.then(clear, clear);
    return pending;
  };
  return {
    describe(maxAgeMs = 0) {
      if (maxAgeMs <= 0) return call();
      if (last && now() - last.at <= maxAgeMs) return Promise.resolve(last.cluster);
      return inFlight ?? call();
    },
    forget() {
      generation += 1;
      last = undefined;
      inFlight = undefined;
    },
  };
}
