/**
 * The RBAC half of an aws-auth grant: the mapped Kubernetes group must be bound to the level's ClusterRole, or the
 * mapping authenticates the person and every request is still a 403. Bindings are named deterministically, created
 * when absent, labelled as ours, and never silently replaced: roleRef cannot change on a binding, so a same-named
 * binding with another roleRef is somebody else's decision and an error, never overwritten.
 */
import {
  ApiException,
  type RbacAuthorizationV1Api,
  type RbacV1Subject,
  type V1ClusterRoleBinding,
  type V1RoleBinding,
} from '@kubernetes/client-node';
import { AdapterError } from '../../shared/errors.ts';
import { toKubernetesError } from './cluster-api.ts';

export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'eks-access';
/** Bindings are tiny and rarely contended; a few rounds cover a concurrent create or delete. */
const MAX_ROUNDS = 5;

export interface GroupBindingSpec {
  /** The Kubernetes group aws-auth maps the principal to, e.g. `eks-access:view`. */
  group: string;
  /** `view`, `edit`, `admin` or `cluster-admin`. */
  clusterRole: string;
  /** RoleBindings in these namespaces; absent means one ClusterRoleBinding (cluster scope). */
  namespaces?: readonly string[];
}

export type BindingKind = 'ClusterRoleBinding' | 'RoleBinding';

export interface BindingRef {
  kind: BindingKind;
  name: string;
  namespace?: string;
}

export interface EnsuredBinding extends BindingRef {
  /** `repaired`: our own binding had lost the group subject, which was added back. */
  status: 'created' | 'existing' | 'repaired';
}

/** A binding of that name exists and binds another role, or is not ours and lacks the group: nothing was changed. */
export class BindingConflictError extends AdapterError {
  readonly binding: BindingRef;
  readonly found: { roleRef: string; subjects: string[]; isManagedByUs: boolean };

  constructor(binding: BindingRef, found: BindingConflictError['found'], wanted: string) {
    const where = binding.namespace ? `${binding.namespace}/${binding.name}` : binding.name;
    super('k8s_conflict', false, {
      upstream: `${binding.kind} ${where} binds ${found.roleRef} to [${found.subjects.join(', ')}], wanted ${wanted}`,
    });
    this.name = 'BindingConflictError';
    this.binding = binding;
    this.found = found;
  }
}

/** `eks-access:view` → `eks-access-view`; `team:dev` → `eks-access-team-dev`; RoleBindings get `-<namespace>`. */
export function groupBindingName(group: string, namespace?: string): string {
  const slug = group
    .replace(/^eks-access:/, '')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return namespace === undefined ? `eks-access-${slug}` : `eks-access-${slug}-${namespace}`;
}

export async function ensureGroupBinding(
  api: RbacAuthorizationV1Api,
  spec: GroupBindingSpec,
): Promise<EnsuredBinding[]> {
  if (spec.group === '' || spec.group.startsWith('system:')) {
    throw new RangeError(`refusing to bind the group "${spec.group}": system: groups are never granted`);
  }
  if (spec.namespaces === undefined) return [await ensureOne(clusterScoped(api), spec, undefined)];
  if (spec.namespaces.length === 0) throw new RangeError('namespaces is empty: omit it for cluster scope');
  const ensured: EnsuredBinding[] = [];
  for (const namespace of new Set(spec.namespaces))
    ensured.push(await ensureOne(namespaced(api, namespace), spec, namespace));
  return ensured;
}

type Binding = V1ClusterRoleBinding | V1RoleBinding;

interface BindingOps {
  kind: BindingKind;
  create(body: Binding): Promise<Binding>;
  read(name: string): Promise<Binding>;
  replace(name: string, body: Binding): Promise<Binding>;
}

function clusterScoped(api: RbacAuthorizationV1Api): BindingOps {
  return {
    kind: 'ClusterRoleBinding',
    create: (body) => api.createClusterRoleBinding({ body }),
    read: (name) => api.readClusterRoleBinding({ name }),
    replace: (name, body) => api.replaceClusterRoleBinding({ name, body }),
  };
}

function namespaced(api: RbacAuthorizationV1Api, namespace: string): BindingOps {
  return {
    kind: 'RoleBinding',
    create: (body) => api.createNamespacedRoleBinding({ namespace, body }),
    read: (name) => api.readNamespacedRoleBinding({ namespace, name }),
    replace: (name, body) => api.replaceNamespacedRoleBinding({ namespace, name, body }),
  };
}

async function ensureOne(ops: BindingOps, spec: GroupBindingSpec, namespace?: string): Promise<EnsuredBinding> {
  const ref: BindingRef = {
    kind: ops.kind,
    name: groupBindingName(spec.group, namespace),
    ...(namespace ? { namespace } : {}),
  };
  const subject: RbacV1Subject = { kind: 'Group', apiGroup: RBAC_API_GROUP, name: spec.group };
  const body: Binding = {
    apiVersion: `${RBAC_API_GROUP}/v1`,
    kind: ops.kind,
    metadata: { name: ref.name, ...(namespace ? { namespace } : {}), labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
    roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: spec.clusterRole },
    subjects: [subject],
  };
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const created = await attempt(() => ops.create(body));
    if (created !== 'conflict' && created !== 'gone') return { ...ref, status: 'created' };
    const existing = await attempt(() => ops.read(ref.name));
    if (existing === 'gone') continue; // deleted since our create failed: create again
    if (existing === 'conflict') continue;
    const found = describe(existing);
    const wanted = `ClusterRole/${spec.clusterRole} to Group/${spec.group}`;
    const { roleRef } = existing;
    if (roleRef.apiGroup !== RBAC_API_GROUP || roleRef.kind !== 'ClusterRole' || roleRef.name !== spec.clusterRole) {
      throw new BindingConflictError(ref, found, wanted);
    }
    const subjects = existing.subjects ?? [];
    if (subjects.some((s) => s.kind === 'Group' && s.name === spec.group)) return { ...ref, status: 'existing' };
    if (!found.isManagedByUs) throw new BindingConflictError(ref, found, wanted);
    // Ours, but the group was removed by hand: add it back with the read version as the precondition.
    const replaced = await attempt(() => ops.replace(ref.name, { ...existing, subjects: [...subjects, subject] }));
    if (replaced !== 'conflict' && replaced !== 'gone') return { ...ref, status: 'repaired' };
  }
  throw new AdapterError('k8s_conflict', true, { upstream: `${ref.kind} ${ref.name} kept changing under us` });
}

/** 409 (AlreadyExists or Conflict) and 404 are expected rounds of the loop; everything else is an AdapterError. */
async function attempt<T>(call: () => Promise<T>): Promise<T | 'conflict' | 'gone'> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiException && error.code === 409) return 'conflict';
    if (error instanceof ApiException && error.code === 404) return 'gone';
    throw toKubernetesError(error);
  }
}

function describe(binding: Binding): BindingConflictError['found'] {
  return {
    roleRef: `${binding.roleRef.kind}/${binding.roleRef.name}`,
    subjects: (binding.subjects ?? []).map((s) => `${s.kind}/${s.name}`),
    isManagedByUs: binding.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY,
  };
}

/** `deleted`; `gone` (already so); `kept` with why: not ours, or it binds more than the group. */
export type RemovedBinding = BindingRef & { status: 'deleted' | 'gone' | 'kept'; why?: string };

/**
 * Deletes the binding(s) `ensureGroupBinding` made for `spec`, only while they are still exactly ours: labelled
 * as ours, binding the same ClusterRole to that group alone. Anything else was changed by a person since, and is
 * left in place. The delete carries the read resourceVersion as its precondition, so a change in between wins.
 */
export async function deleteGroupBinding(
  api: RbacAuthorizationV1Api,
  spec: GroupBindingSpec,
): Promise<RemovedBinding[]> {
  if (spec.namespaces === undefined) return [await deleteOne(clusterScopedDelete(api), spec, undefined)];
  const removed: RemovedBinding[] = [];
  for (const namespace of new Set(spec.namespaces))
    removed.push(await deleteOne(namespacedDelete(api, namespace), spec, namespace));
  return removed;
}

interface DeleteOps {
  kind: BindingKind;
  read(name: string): Promise<Binding>;
  delete(name: string, resourceVersion: string | undefined): Promise<unknown>;
}

function clusterScopedDelete(api: RbacAuthorizationV1Api): DeleteOps {
  return {
    kind: 'ClusterRoleBinding',
    read: (name) => api.readClusterRoleBinding({ name }),
    delete: (name, resourceVersion) =>
      api.deleteClusterRoleBinding({ name, body: resourceVersion ? { preconditions: { resourceVersion } } : {} }),
  };
}

function namespacedDelete(api: RbacAuthorizationV1Api, namespace: string): DeleteOps {
  return {
    kind: 'RoleBinding',
    read: (name) => api.readNamespacedRoleBinding({ namespace, name }),
    delete: (name, resourceVersion) =>
      api.deleteNamespacedRoleBinding({
        namespace,
        name,
        body: resourceVersion ? { preconditions: { resourceVersion } } : {},
      }),
  };
}

async function deleteOne(ops: DeleteOps, spec: GroupBindingSpec, namespace?: string): Promise<RemovedBinding> {
  const ref: BindingRef = {
    kind: ops.kind,
    name: groupBindingName(spec.group, namespace),
    ...(namespace ? { namespace } : {}),
  };
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const existing = await attempt(() => ops.read(ref.name));
    if (existing === 'gone') return { ...ref, status: 'gone' };
    if (existing === 'conflict') continue;
    const found = describe(existing);
    if (!found.isManagedByUs) return { ...ref, status: 'kept', why: 'not labelled as made by eks-access' };
    const onlyOurs =
      existing.roleRef.kind === 'ClusterRole' &&
      existing.roleRef.name === spec.clusterRole &&
      (existing.subjects ?? []).every((s) => s.kind === 'Group' && s.name === spec.group);
    if (!onlyOurs) return { ...ref, status: 'kept', why: `changed since: binds ${found.subjects.join(', ')}` };
    const deleted = await attempt(() => ops.delete(ref.name, existing.metadata?.resourceVersion));
    if (deleted === 'gone') return { ...ref, status: 'gone' };
    if (deleted !== 'conflict') return { ...ref, status: 'deleted' };
  }
  throw new AdapterError('k8s_conflict', true, { upstream: `${ref.kind} ${ref.name} kept changing under us` });
}
