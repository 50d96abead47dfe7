import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import type { ClusterSettings } from '../../core/directory.ts';
import type { ClusterGateway, ClusterGateways } from '../../usecases/ports.ts';
import { createCredentialsCache } from './credentials.ts';
import { createEksAccessEntries } from './eks-access-entries.ts';
import { createIamDirectory } from './iam-directory.ts';

/** IAM is global; its signing region in the aws partition is us-east-1 whatever the cluster's region. */
const IAM_REGION = 'us-east-1';

/**
 * A hung AWS call must not hold a worker slot forever. This Smithy version only logs a warning on a
 * request timeout unless `throwOnRequestTimeout` is set; with it the SDK aborts and retries the call.
 */
const HTTP_OPTIONS = { connectionTimeout: 3_000, requestTimeout: 15_000, throwOnRequestTimeout: true };

/**
 * SDK clients per (region, executor role), built once and reused. No `endpoint` is passed, so the
 * standard AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL variables keep working.
 */
export function createClusterGateways(): ClusterGateways & { destroy(): void } {
  const credentials = createCredentialsCache();
  const gateways = new Map<string, ClusterGateway>();
  const clients: { destroy(): void }[] = [];
  return {
    forCluster(cluster: ClusterSettings) {
      const key = `${cluster.name}|${cluster.region}|${cluster.roleArn ?? ''}`;
      const existing = gateways.get(key);
      if (existing) return existing;
      const provider = credentials.forRole(cluster.roleArn, cluster.region);
      const auth = provider ? { credentials: provider } : {};
      const eks = new EKSClient({ region: cluster.region, requestHandler: HTTP_OPTIONS, ...auth });
      const iam = new IAMClient({ region: IAM_REGION, requestHandler: HTTP_OPTIONS, ...auth });
      clients.push(eks, iam);
      const gateway = { accessEntries: createEksAccessEntries(eks, cluster.name), iam: createIamDirectory(iam) };
      gateways.set(key, gateway);
      return gateway;
    },
    destroy() {
      for (const client of clients) client.destroy();
    },
  };
}
