import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { ClusterSettings } from '../../core/settings.ts';
import { type AwsCallObserver, observeCalls } from './call-metrics.ts';
import { type ClusterDescriptions, createClusterDescriptions } from './cluster-descriptions.ts';
import { createCredentialsCache } from './credentials.ts';

/** IAM is global; its signing region in the aws partition is us-east-1 whatever the cluster's region. */
const IAM_REGION = 'us-east-1';

/**
 * A hung AWS call must not hold a worker slot forever. This Smithy version only logs a warning on a
 * request timeout unless `throwOnRequestTimeout` is set; with it the SDK aborts and retries the call.
 */
export const HTTP_OPTIONS = { connectionTimeout: 3_000, requestTimeout: 15_000, throwOnRequestTimeout: true };

export interface ClusterClients {
  eks: EKSClient;
  iam: IAMClient;
  cloudtrail: CloudTrailClient;
  /** DescribeCluster answers shared by this cluster's gateways (the executor's and the diagnosis'). */
  descriptions: ClusterDescriptions;
  /** The credentials the clients sign with (assumed role or default chain), e.g. for the EKS token. */
  credentials(): Promise<AwsCredentialIdentity>;
}

/**
 * SDK clients per (cluster, region, executor role), built once and reused. No `endpoint` is passed, so the
 * standard AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL variables keep working.
 */
export type { AwsCallObservation, AwsCallObserver } from './call-metrics.ts';

export function createAwsClients(options: { observe?: AwsCallObserver } = {}): {
  forCluster(cluster: ClusterSettings): ClusterClients;
  destroy(): void;
} {
  const { observe } = options;
  const credentials = createCredentialsCache(Date.now, observe);
  const byCluster = new Map<string, ClusterClients>();
  return {
    forCluster(cluster) {
      const key = `${cluster.name}|${cluster.region}|${cluster.roleArn ?? ''}`;
      const existing = byCluster.get(key);
      if (existing) return existing;
      const provider = credentials.forRole(cluster.roleArn, cluster.region);
      const auth = provider ? { credentials: provider } : {};
      const eks = new EKSClient({ region: cluster.region, requestHandler: HTTP_OPTIONS, ...auth });
      const iam = new IAMClient({ region: IAM_REGION, requestHandler: HTTP_OPTIONS, ...auth });
      const cloudtrail = new CloudTrailClient({ region: cluster.region, requestHandler: HTTP_OPTIONS, ...auth });
      if (observe) {
        eks.middlewareStack.use(observeCalls(observe));
        iam.middlewareStack.use(observeCalls(observe));
        cloudtrail.middlewareStack.use(observeCalls(observe));
      }
      const clients: ClusterClients = {
        eks,
        iam,
        cloudtrail,
        descriptions: createClusterDescriptions(eks, cluster.name),
        credentials: async () => provider?.() ?? eks.config.credentials(),
      };
      byCluster.set(key, clients);
      return clients;
    },
    destroy() {
      for (const clients of byCluster.values()) {
        clients.eks.destroy();
        clients.iam.destroy();
        clients.cloudtrail.destroy();
      }
    },
  };
}
