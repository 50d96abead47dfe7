/**
 * The RBAC half of an aws-auth grant: the mapped Kubernetes group must be bound to the level's ClusterRole, or the
 * mapping authenticates the person and every request is still a 403. A per-person grant on a shared role binds one
 * session's username (a User subject) the same way. Bindings are named deterministically, created
 * when absent, labelled as ours, and never silently replaced: roleRef cannot change on a binding, so a same-named
 * binding with another roleRef is somebody else's decision and an error, never overwritten.
 */

import { createHash } from 'node:crypto';
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
  if (spec.namespaces === undefined) return [await ensureOne(clusterScoped(api), groupTarget(spec), undefined)];
  if (spec.namespaces.length === 0) throw new RangeError('namespaces is empty: omit it for cluster scope');
  const ensured: EnsuredBinding[] = [];
  for (const namespace of new Set(spec.namespaces))
    ensured.push(await ensureOne(namespaced(api, namespace), groupTarget(spec), namespace));
  return ensured;
}

export interface UserBindingSpec {
  /** The Kubernetes username, exactly as the authenticator renders it (RBAC compares it exactly). */
  user: string;
  clusterRole: string;
  /** RoleBindings in these namespaces (made concurrently); absent means one ClusterRoleBinding. */
  namespaces?: readonly string[];
}

/**
 * `eks-access:<clusterRole>:<first 12 hex of sha256(username)>`: deterministic, so a retry finds its own binding,
 * one per username and level, and short whatever the username (an STS ARN can be long).
 */
export function userBindingName(user: string, clusterRole: string): string {
  return `eks-access:${clusterRole}:${createHash('sha256').update(user).digest('hex').slice(0, 12)}`;
}

/** Binds one username to the ClusterRole: one ClusterRoleBinding, or one RoleBinding per namespace, concurrently. */
export async function ensureUserBinding(api: RbacAuthorizationV1Api, spec: UserBindingSpec): Promise<EnsuredBinding[]> {
  if (spec.user === '' || spec.user.startsWith('system:')) {
    throw new RangeError(`refusing to bind the user "${spec.user}": system: users are never granted`);
  }
  const target = userTarget(spec);
  if (spec.namespaces === undefined) return [await ensureOne(clusterScoped(api), target, undefined)];
  if (spec.namespaces.length === 0) throw new RangeError('namespaces is empty: omit it for cluster scope');
  return await Promise.all(
    [...new Set(spec.namespaces)].map((namespace) => ensureOne(namespaced(api, namespace), target, namespace)),
  );
}

/** Deletes what `ensureUserBinding` made, on the same terms as `deleteGroupBinding`. */
export async function deleteUserBinding(api: RbacAuthorizationV1Api, spec: UserBindingSpec): Promise<RemovedBinding[]> {
  const target = userTarget(spec);
  if (spec.namespaces === undefined) return [await deleteOne(clusterScopedDelete(api), target, undefined)];
  return await Promise.all(
    [...new Set(spec.namespaces)].map((namespace) => deleteOne(namespacedDelete(api, namespace), target, namespace)),
  );
}

/** Reads the binding back: true when it exists and binds the ClusterRole to that username. */
export async function hasUserBinding(
  api: RbacAuthorizationV1Api,
  spec: { user: string; clusterRole: string; namespace?: string },
): Promise<boolean> {
  const name = userBindingName(spec.user, spec.clusterRole);
  const ops = spec.namespace === undefined ? clusterScoped(api) : namespaced(api, spec.namespace);
  const found = await attempt(() => ops.read(name));
  if (found === 'gone' || found === 'conflict') return false;
  return (
    found.roleRef.kind === 'ClusterRole' &&
    found.roleRef.name === spec.clusterRole &&
    (found.subjects ?? []).some((s) => s.kind === 'User' && s.name === spec.user)
  );
}

/** One subject bound to one ClusterRole, under the name its kind of binding uses. */
interface BindingTarget {
  subject: { kind: 'Group' | 'User'; name: string };
  clusterRole: string;
  nameIn(namespace: string | undefined): string;
}

function groupTarget(spec: GroupBindingSpec): BindingTarget {
  return {
    subject: { kind: 'Group', name: spec.group },
    clusterRole: spec.clusterRole,
    nameIn: (namespace) => groupBindingName(spec.group, namespace),
  };
}

function userTarget(spec: UserBindingSpec): BindingTarget {
  return {
    subject: { kind: 'User', name: spec.user },
    clusterRole: spec.clusterRole,
    nameIn: () => userBindingName(spec.user, spec.clusterRole),
  };
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

async function ensureOne(ops: BindingOps, spec: BindingTarget, namespace?: string): Promise<EnsuredBinding> {
  const ref: BindingRef = {
    kind: ops.kind,
    name: spec.nameIn(namespace),
    ...(namespace ? { namespace } : {}),
  };
  const subject: RbacV1Subject = { kind: spec.subject.kind, apiGroup: RBAC_API_GROUP, name: spec.subject.name };
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
    const wanted = `ClusterRole/${spec.clusterRole} to ${spec.subject.kind}/${spec.subject.name}`;
    const { roleRef } = existing;
    if (roleRef.apiGroup !== RBAC_API_GROUP || roleRef.kind !== 'ClusterRole' || roleRef.name !== spec.clusterRole) {
      throw new BindingConflictError(ref, found, wanted);
    }
    const subjects = existing.subjects ?? [];
    if (subjects.some((s) => s.kind === spec.subject.kind && s.name === spec.subject.name)) {
      return { ...ref, status: 'existing' };
    }
    if (!found.isManagedByUs) throw new BindingConflictError(ref, found, wanted);
    // Ours, but the subject was removed by hand: add it back with the read version as the precondition.
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

/** `deleted`; `gone` (already so); `kept` with why: not ours, or it binds more than the group or user. */
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
  if (spec.namespaces === undefined) return [await deleteOne(clusterScopedDelete(api), groupTarget(spec), undefined)];
  const removed: RemovedBinding[] = [];
  for (const namespace of new Set(spec.namespaces))
    removed.push(await deleteOne(namespacedDelete(api, namespace), groupTarget(spec), namespace));
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

async function deleteOne(ops: DeleteOps, spec: BindingTarget, namespace?: string): Promise<RemovedBinding> {
  const ref: BindingRef = {
    kind: ops.kind,
    name: spec.nameIn(namespace),
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
      (existing.subjects ?? []).every((s) => s.kind === spec.subject.kind && s.name === spec.subject.name);
    if (!onlyOurs) return { ...ref, status: 'kept', why: `changed since: binds ${found.subjects.join(', ')}` };
    const deleted = await attempt(() => ops.delete(ref.name, existing.metadata?.resourceVersion));
    if (deleted === 'gone') return { ...ref, status: 'gone' };
    if (deleted !== 'conflict') return { ...ref, status: 'deleted' };
  }
  throw new AdapterError('k8s_conflict', true, { upstream: `${ref.kind} ${ref.name} kept changing under us` });
}
