/**
 * Reads every ClusterRoleBinding and every RoleBinding (all namespaces) for the diagnosis: which bindings name the
 * mapped username and groups. Read-only; the bot needs `list` on both resources cluster-wide.
 */
import type { RbacAuthorizationV1Api, V1ClusterRoleBinding, V1RoleBinding } from '@kubernetes/client-node';
import type { BindingFact, RbacFacts } from '../../core/diagnose/evidence.ts';
import { AdapterError } from '../../shared/errors.ts';
import { type ClusterApiTarget, clusterApisFor, toKubernetesError } from './cluster-api.ts';

const PAGE = 500;
/** 40 pages of 500: far above any real cluster; past it the answer would be partial, so it is refused instead. */
const MAX_PAGES = 40;

export async function readBindings(target: ClusterApiTarget): Promise<RbacFacts> {
  const { rbac } = await clusterApisFor(target);
  const [clusterBindings, roleBindings] = await Promise.all([
    listAll(rbac, 'ClusterRoleBinding', 'list clusterrolebindings'),
    listAll(rbac, 'RoleBinding', 'list rolebindings --all-namespaces'),
  ]);
  return { bindings: [...clusterBindings, ...roleBindings] };
}

async function listAll(
  api: RbacAuthorizationV1Api,
  kind: BindingFact['kind'],
  operation: string,
): Promise<BindingFact[]> {
  const found: BindingFact[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params = { limit: PAGE, ...(token ? { _continue: token } : {}) };
    const list = await (kind === 'ClusterRoleBinding'
      ? api.listClusterRoleBinding(params)
      : api.listRoleBindingForAllNamespaces(params)
    ).catch((error: unknown) => {
      throw toKubernetesError(error, operation);
    });
    for (const item of list.items as (V1ClusterRoleBinding | V1RoleBinding)[]) found.push(bindingFact(kind, item));
    token = list.metadata?._continue;
    if (!token) return found;
  }
  throw new AdapterError('k8s_unavailable', false, { upstream: `${operation} paged past ${MAX_PAGES * PAGE} objects` });
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
