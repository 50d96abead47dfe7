import type { ClusterSettings } from '../../core/settings.ts';
import type { ClusterGateway, ClusterGateways } from '../../usecases/ports/eks.ts';
import type { ClusterClients } from './aws-clients.ts';
import { createEksAccessEntries } from './eks-access-entries.ts';
import { createIamDirectory } from './iam-directory.ts';

/** The executor's view of each cluster: access-entry writes and IAM look-ups, on shared SDK clients. */
export function createClusterGateways(clients: {
  forCluster(cluster: ClusterSettings): ClusterClients;
}): ClusterGateways {
  const gateways = new Map<string, ClusterGateway>();
  return {
    forCluster(cluster: ClusterSettings) {
      const existing = gateways.get(cluster.name);
      if (existing) return existing;
      const { eks, iam, descriptions } = clients.forCluster(cluster);
      const gateway = {
        accessEntries: createEksAccessEntries(eks, cluster.name, descriptions),
        iam: createIamDirectory(iam),
      };
      gateways.set(cluster.name, gateway);
      return gateway;
    },
  };
}
