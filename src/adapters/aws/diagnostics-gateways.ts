import type { ClusterSettings } from '../../core/settings.ts';
import type { DiagnosticsGateway, DiagnosticsGateways } from '../../usecases/ports/diagnostics.ts';
import { readAwsAuth } from '../kubernetes/cluster-api.ts';
import { readBindings } from '../kubernetes/rbac-bindings.ts';
import type { SharedAnswers } from '../store/shared-answers.ts';
import { lookUpAccessChanges } from './access-changes.ts';
import type { ClusterClients } from './aws-clients.ts';
import { createCloudTrailLimiters, createCreatorLookup } from './creator-lookup.ts';
import { accessEntryFacts, describeClusterFacts } from './eks-diagnostics.ts';
import { createIamDirectory } from './iam-directory.ts';

export interface DiagnosticsGatewaysWithStats extends DiagnosticsGateways {
  /** CloudTrail LookupEvents calls made by this process. */
  cloudTrailLookups(): number;
}

/** Read-only AWS and Kubernetes look-ups for the diagnosis, sharing the SDK clients and the creator cache. */
export function createDiagnosticsGateways(
  clients: { forCluster(cluster: ClusterSettings): ClusterClients },
  now: () => number = Date.now,
  shared?: SharedAnswers,
): DiagnosticsGatewaysWithStats {
  const settingsByName = new Map<string, ClusterSettings>();
  const limiterFor = createCloudTrailLimiters(now);
  let changeLookups = 0;
  const creators = createCreatorLookup(
    (cluster) => {
      const settings = settingsByName.get(cluster.name);
      if (!settings) throw new Error(`cluster ${cluster.name} is not configured`);
      return clients.forCluster(settings);
    },
    now,
    shared,
    limiterFor,
  );
  return {
    cloudTrailLookups: () => creators.lookups + changeLookups,
    forCluster(cluster): DiagnosticsGateway {
      settingsByName.set(cluster.name, cluster);
      const aws = clients.forCluster(cluster);
      const iam = createIamDirectory(aws.iam);
      return {
        describeCluster: (options = {}) => describeClusterFacts(aws.descriptions, options.maxAgeMs),
        iamPrincipal: (kind, name) => iam.principal(kind, name),
        accessEntry: (principalArn) => accessEntryFacts(aws.eks, cluster.name, principalArn),
        awsAuth: (connection) =>
          readAwsAuth({
            clusterName: cluster.name,
            region: cluster.region,
            connection,
            credentials: aws.credentials,
            now,
          }),
        creator: (facts) => creators.creator(cluster, facts),
        rbacBindings: (connection) =>
          readBindings({
            clusterName: cluster.name,
            region: cluster.region,
            connection,
            credentials: aws.credentials,
            now,
          }),
        accessChanges: (principalArn, events) => {
          const limiter = limiterFor(`${cluster.accountId}|${cluster.region}`);
          const counted = async () => {
            await limiter();
            changeLookups += 1;
          };
          return lookUpAccessChanges(aws.cloudtrail, { clusterName: cluster.name, principalArn, events }, counted, now);
        },
      };
    },
  };
}
