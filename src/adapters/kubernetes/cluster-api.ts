import {
  ApiException,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import type { AwsCredentialIdentity } from '@smithy/types';
import { partitionOfRegion } from '../../config/partition.ts';
import type { AwsAuthFacts } from '../../core/diagnose/evidence.ts';
import { AdapterError } from '../../shared/errors.ts';
import type { ClusterConnection } from '../../usecases/ports/eks.ts';
import { createEksToken } from './eks-token.ts';

export interface ClusterApiTarget {
  clusterName: string;
  region: string;
  connection: ClusterConnection;
  credentials: () => Promise<AwsCredentialIdentity>;
  now?: () => number;
}

/**
 * A Kubernetes client for one EKS cluster: HTTPS to the cluster endpoint trusting only the cluster's own CA
 * from DescribeCluster, authenticated with an EKS token built in-process. No kubeconfig file, no kubectl.
 */
export async function coreApiFor(target: ClusterApiTarget): Promise<CoreV1Api> {
  return (await kubeConfigFor(target)).makeApiClient(CoreV1Api);
}

/** The three API groups the aws-auth executor uses, sharing one token (valid about 14 minutes). */
export interface ClusterApis {
  core: CoreV1Api;
  rbac: RbacAuthorizationV1Api;
  authorization: AuthorizationV1Api;
}

export async function clusterApisFor(target: ClusterApiTarget): Promise<ClusterApis> {
  const config = await kubeConfigFor(target);
  return {
    core: config.makeApiClient(CoreV1Api),
    rbac: config.makeApiClient(RbacAuthorizationV1Api),
    authorization: config.makeApiClient(AuthorizationV1Api),
  };
}

/** An in-memory kubeconfig for the cluster with a fresh EKS token; build a new one before the token expires. */
export async function kubeConfigFor(target: ClusterApiTarget): Promise<KubeConfig> {
  const now = target.now ?? Date.now;
  const { token } = await createEksToken({
    clusterName: target.clusterName,
    region: target.region,
    // China, GovCloud and the ISO partitions have their own STS hosts; the API server rejects any other.
    dnsSuffix: partitionOfRegion(target.region).dnsSuffix,
    credentials: await target.credentials(),
    now: now(),
  });
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: target.clusterName,
        server: target.connection.endpoint,
        caData: target.connection.caData,
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'eks-access', token }],
    contexts: [{ name: target.clusterName, cluster: target.clusterName, user: 'eks-access' }],
    currentContext: target.clusterName,
  });
  return config;
}

/** The aws-auth ConfigMap as data; a missing object is a fact (everyone unmapped), 401/403 are AdapterErrors. */
export async function readAwsAuth(target: ClusterApiTarget): Promise<AwsAuthFacts> {
  const api = await coreApiFor(target);
  try {
    const configMap = await api.readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' });
    return { present: true, data: configMap.data ?? {} };
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return { present: false, data: {} };
    throw toKubernetesError(error, 'get configmap kube-system/aws-auth');
  }
}

/** Kubernetes failures by HTTP status, never by message text. */
export function toKubernetesError(error: unknown, operation?: string): AdapterError {
  const op = operation !== undefined ? { operation } : {};
  if (!(error instanceof ApiException)) {
    return new AdapterError('k8s_unavailable', true, { cause: error, upstream: 'Kubernetes API unreachable', ...op });
  }
  const upstream = `Kubernetes ${error.code}`;
  switch (error.code) {
    case 401:
      return new AdapterError('k8s_unauthorized', false, {
        cause: error,
        upstream: 'Kubernetes 401 Unauthorized',
        ...op,
      });
    case 403:
      return new AdapterError('k8s_forbidden', false, { cause: error, upstream: 'Kubernetes 403 Forbidden', ...op });
    case 409:
      return new AdapterError('k8s_conflict', true, { cause: error, upstream: 'Kubernetes 409 Conflict', ...op });
    default:
      return new AdapterError('k8s_unavailable', error.code >= 500 || error.code === 429, {
        cause: error,
        upstream,
        ...op,
      });
  }
}
