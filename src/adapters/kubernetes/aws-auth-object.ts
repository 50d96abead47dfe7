/**
 * The `kube-system/aws-auth` ConfigMap as an object with a version: read it, replace it with a resourceVersion
 * precondition, or create it. Never deleted: the authenticator resets every mapping when the object disappears.
 */
import { ApiException, type CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { toKubernetesError } from './cluster-api.ts';

export const AWS_AUTH = { namespace: 'kube-system', name: 'aws-auth' } as const;

export interface VersionedAwsAuth {
  data: Record<string, string>;
  resourceVersion: string;
}

/** The ConfigMap's data and resourceVersion, or undefined when it does not exist; other failures are AdapterErrors. */
export async function readAwsAuthVersioned(api: CoreV1Api): Promise<VersionedAwsAuth | undefined> {
  try {
    const object = await readAwsAuthObject(api);
    return object && { data: { ...(object.data ?? {}) }, resourceVersion: object.metadata?.resourceVersion ?? '' };
  } catch (error) {
    throw toKubernetesError(error);
  }
}

/** The whole object (metadata included, so a replace keeps labels, annotations and the uid precondition). */
export async function readAwsAuthObject(api: CoreV1Api): Promise<V1ConfigMap | undefined> {
  try {
    return await api.readNamespacedConfigMap({ ...AWS_AUTH });
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return undefined;
    throw error;
  }
}

/**
 * PUT `data` over `current`, carrying its `metadata.resourceVersion` (and uid) as the precondition: a concurrent
 * write makes this a 409 instead of silently overwriting it. Everything else of the object is sent back as read.
 */
export async function replaceAwsAuth(
  api: CoreV1Api,
  current: V1ConfigMap,
  data: Record<string, string>,
): Promise<V1ConfigMap> {
  return await api.replaceNamespacedConfigMap({ ...AWS_AUTH, body: { ...current, data } });
}

/**
 * POST a new object. Its metadata is built fresh: the API server refuses a create that carries a resourceVersion,
 * and a uid or timestamps from an earlier, deleted object mean nothing for the new one.
 */
export async function createAwsAuth(api: CoreV1Api, data: Record<string, string>): Promise<V1ConfigMap> {
  return await api.createNamespacedConfigMap({
    namespace: AWS_AUTH.namespace,
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...AWS_AUTH }, data },
  });
}
