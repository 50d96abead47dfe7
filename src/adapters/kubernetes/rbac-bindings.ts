/**
 * Reads every ClusterRoleBinding and every RoleBinding (all namespaces) for the diagnosis: which bindings name the
 * mapped username and groups. Read-only; the bot needs `list` on both resources cluster-wide.
 */
import type { RbacAuthorizationV1Api, V1ClusterRoleBinding, V1RoleBinding } from '@kubernetes/client-node';
import type { BindingFact, RbacFacts } from '../../core/diagnose/evidence.ts';
import { type ClusterApiTarget, clusterApisFor, toKubernetesError } from './cluster-api.ts';

export async function readBindings(target: ClusterApiTarget): Promise<RbacFacts> {
  const { rbac } = await clusterApisFor(target);
  const [clusterBindings, roleBindings] = await Promise.all([
    listAll(rbac, 'ClusterRoleBinding', 'list clusterrolebindings'),
    listAll(rbac, 'RoleBinding', 'list rolebindings --all-namespaces'),
  ]);
  return { bindings: [...clusterBindings, ...roleBindings] };
}

/**
 * One unpaged list each: bindings are small objects (a few thousand fit in a few MB), and an unpaged list is one
 * consistent snapshot. The sandbox's API server does not model `limit`/`continue` either.
 */
async function listAll(
  api: RbacAuthorizationV1Api,
  kind: BindingFact['kind'],
  operation: string,
): Promise<BindingFact[]> {
  const list = await (kind === 'ClusterRoleBinding'
    ? api.listClusterRoleBinding()
    : api.listRoleBindingForAllNamespaces()
  ).catch((error: unknown) => {
    throw toKubernetesError(error, operation);
  });
  return (list.items as (V1ClusterRoleBinding | V1RoleBinding)[]).map((item) => bindingFact(kind, item));
}

function bindingFact(kind: BindingFact['kind'], item: V1ClusterRoleBinding | V1RoleBinding): BindingFact {
  const namespace = kind === 'RoleBinding' ? item.metadata?.namespace : undefined;
  return {
    kind,
    name: item.metadata?.name ?? '',
    ...(namespace !== undefined ? { namespace } : {}),
    roleRef: { kind: item.roleRef.kind, name: item.roleRef.name },
    subjects: (item.subjects ?? []).map((s) => ({
      kind: s.kind,
      name: s.name,
      ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
    })),
  };
}
