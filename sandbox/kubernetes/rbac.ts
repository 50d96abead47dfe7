/**
 * RBAC for the Kubernetes API fake: the binding kinds (validation and defaulting as rbac/v1 does them), the built-in
 * user-facing ClusterRoles (an abridged but faithful-in-spirit copy of `view`/`edit`/`admin`/`cluster-admin`), and
 * the SubjectAccessReview decision the RBAC authorizer would make from the seeded bindings.
 */
import type { Body, KindSpec, StoredObject } from './object-store.ts';
import { asObject } from './object-store.ts';
import { invalid, type StatusCause } from './status.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  apiGroup?: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: 'ClusterRole' | 'Role';
  name: string;
}

export interface BindingContent {
  roleRef: RoleRef;
  subjects: Subject[];
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const CORE_READ_ONLY = [
  'bindings',
  'events',
  'limitranges',
  'namespaces',
  'namespaces/status',
  'pods/log',
  'pods/status',
  'resourcequotas',
];
const CORE_WORKLOADS = [
  'configmaps',
  'endpoints',
  'persistentvolumeclaims',
  'pods',
  'replicationcontrollers',
  'serviceaccounts',
  'services',
];
const APP_GROUPS = ['apps', 'batch', 'autoscaling', 'networking.k8s.io', 'policy'];
const APP_RESOURCES = [
  'cronjobs',
  'daemonsets',
  'deployments',
  'horizontalpodautoscalers',
  'ingresses',
  'jobs',
  'networkpolicies',
  'poddisruptionbudgets',
  'replicasets',
  'statefulsets',
];

/** view: read most namespaced objects, not Secrets and not RBAC. */
const VIEW: PolicyRule[] = [
  { apiGroups: [''], resources: [...CORE_WORKLOADS, ...CORE_READ_ONLY], verbs: READ },
  { apiGroups: APP_GROUPS, resources: APP_RESOURCES, verbs: READ },
];
/** edit: view plus writes to workloads and Secrets; still no RBAC. */
const EDIT: PolicyRule[] = [
  ...VIEW,
  { apiGroups: [''], resources: [...CORE_WORKLOADS, 'secrets'], verbs: WRITE },
  { apiGroups: [''], resources: ['secrets'], verbs: READ },
  { apiGroups: [''], resources: ['pods/exec', 'pods/attach', 'pods/portforward'], verbs: ['create', 'get'] },
  { apiGroups: APP_GROUPS, resources: APP_RESOURCES, verbs: WRITE },
];
/** admin: edit plus namespaced RBAC and local access reviews. */
const ADMIN: PolicyRule[] = [
  ...EDIT,
  { apiGroups: [RBAC_GROUP], resources: ['rolebindings', 'roles'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
];
const CLUSTER_ADMIN: PolicyRule[] = [
  { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
  { nonResourceURLs: ['*'], verbs: ['*'] },
];

export function builtInClusterRoles(): Map<string, PolicyRule[]> {
  return new Map([
    ['view', VIEW],
    ['edit', EDIT],
    ['admin', ADMIN],
    ['cluster-admin', CLUSTER_ADMIN],
  ]);
}

/** Resources that exist outside namespaces: a RoleBinding never grants them. */
const CLUSTER_SCOPED = new Set([
  'nodes',
  'namespaces',
  'persistentvolumes',
  'clusterroles',
  'clusterrolebindings',
  'customresourcedefinitions',
  'storageclasses',
]);

export function bindingSpec(kind: 'ClusterRoleBinding' | 'RoleBinding'): KindSpec<BindingContent> {
  const namespaced = kind === 'RoleBinding';
  return {
    ref: { resource: namespaced ? 'rolebindings' : 'clusterrolebindings', group: RBAC_GROUP },
    kind,
    apiVersion: `${RBAC_GROUP}/v1`,
    namespaced,
    content: (body, name, existing) => {
      const causes: StatusCause[] = [];
      const roleRef = roleRefOf(asObject(body['roleRef']), namespaced, causes);
      const subjects = subjectsOf(body['subjects'], namespaced, causes);
      if (existing && causes.length === 0 && JSON.stringify(existing.roleRef) !== JSON.stringify(roleRef)) {
        causes.push({
          reason: 'FieldValueInvalid',
          field: 'roleRef',
          message: `Invalid value: ${JSON.stringify(roleRef)}: cannot change roleRef`,
        });
      }
      if (causes.length > 0) throw invalid(kind, RBAC_GROUP, name, causes);
      return { roleRef, subjects };
    },
  };
}

function roleRefOf(raw: Body, namespaced: boolean, causes: StatusCause[]): RoleRef {
  const { apiGroup, kind, name } = raw;
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (apiGroup !== RBAC_GROUP) causes.push(unsupported('roleRef.apiGroup', apiGroup, [RBAC_GROUP]));
  if (typeof kind !== 'string' || !kinds.includes(kind)) causes.push(unsupported('roleRef.kind', kind, kinds));
  if (typeof name !== 'string' || name === '') causes.push(required('roleRef.name'));
  return {
    apiGroup: RBAC_GROUP,
    kind: kind === 'Role' ? 'Role' : 'ClusterRole',
    name: typeof name === 'string' ? name : '',
  };
}

function subjectsOf(raw: unknown, namespaced: boolean, causes: StatusCause[]): Subject[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [];
  return list.map((item, index) => {
    const { kind, name, apiGroup, namespace } = asObject(item);
    const path = `subjects[${index}]`;
    if (kind !== 'User' && kind !== 'Group' && kind !== 'ServiceAccount') {
      causes.push(unsupported(`${path}.kind`, kind, ['ServiceAccount', 'User', 'Group']));
      return { kind: 'User', name: String(name ?? '') };
    }
    if (typeof name !== 'string' || name === '') causes.push(required(`${path}.name`));
    if (kind === 'ServiceAccount') {
      if (!namespaced && (typeof namespace !== 'string' || namespace === ''))
        causes.push(required(`${path}.namespace`));
      return { kind, name: String(name ?? ''), ...(typeof namespace === 'string' ? { namespace } : {}) };
    }
    // rbac/v1 defaulting: User and Group subjects get the RBAC API group when none is given.
    const group = apiGroup === undefined || apiGroup === '' ? RBAC_GROUP : apiGroup;
    if (group !== RBAC_GROUP) causes.push(unsupported(`${path}.apiGroup`, group, [RBAC_GROUP]));
    return { kind, name: String(name ?? ''), apiGroup: RBAC_GROUP };
  });
}

function unsupported(field: string, value: unknown, supported: string[]): StatusCause {
  const list = supported.map((item) => `"${item}"`).join(', ');
  return {
    reason: 'FieldValueNotSupported',
    field,
    message: `Unsupported value: ${JSON.stringify(value ?? '')}: supported values: ${list}`,
  };
}

function required(field: string): StatusCause {
  return { reason: 'FieldValueRequired', field, message: 'Required value' };
}

export interface AccessRequest {
  user: string;
  groups: string[];
  resource?: { namespace: string; verb: string; group: string; resource: string; subresource: string; name: string };
  nonResource?: { path: string; verb: string };
}

export interface AccessDecision {
  allowed: boolean;
  reason: string;
}

export interface RbacView {
  clusterRoleBindings: StoredObject<BindingContent>[];
  roleBindings: StoredObject<BindingContent>[];
  clusterRoles: ReadonlyMap<string, PolicyRule[]>;
  /** `namespace/name` → rules */
  roles: ReadonlyMap<string, PolicyRule[]>;
}

/** The RBAC authorizer's answer (plus the `system:masters` short-cut kube-apiserver takes before RBAC). */
export function authorize(request: AccessRequest, rbac: RbacView): AccessDecision {
  if (request.groups.includes('system:masters')) return { allowed: true, reason: '' };
  const resourceNamespace = request.resource?.namespace ?? '';
  for (const binding of rbac.clusterRoleBindings) {
    const subject = binding.content.subjects.find((candidate) => appliesTo(candidate, request, undefined));
    const rules = rbac.clusterRoles.get(binding.content.roleRef.name) ?? [];
    if (subject && rules.some((rule) => ruleAllows(rule, request))) {
      return { allowed: true, reason: because('ClusterRoleBinding', binding, subject, '') };
    }
  }
  for (const binding of rbac.roleBindings) {
    const namespace = binding.metadata.namespace ?? '';
    if (request.resource === undefined || namespace !== resourceNamespace) continue;
    if (CLUSTER_SCOPED.has(request.resource.resource)) continue;
    const subject = binding.content.subjects.find((candidate) => appliesTo(candidate, request, namespace));
    const { kind, name } = binding.content.roleRef;
    const rules = (kind === 'Role' ? rbac.roles.get(`${namespace}/${name}`) : rbac.clusterRoles.get(name)) ?? [];
    if (subject && rules.some((rule) => ruleAllows(rule, request))) {
      return { allowed: true, reason: because('RoleBinding', binding, subject, ` in namespace "${namespace}"`) };
    }
  }
  return { allowed: false, reason: '' };
}

function because(kind: string, binding: StoredObject<BindingContent>, subject: Subject, where: string): string {
  const { roleRef } = binding.content;
  const who =
    subject.kind === 'ServiceAccount'
      ? `ServiceAccount "${subject.name}/${subject.namespace ?? ''}"`
      : `${subject.kind} "${subject.name}"`;
  const name = binding.metadata.namespace
    ? `${binding.metadata.namespace}/${binding.metadata.name}`
    : binding.metadata.name;
  return `RBAC: allowed by ${kind} "${name}" of ${roleRef.kind} "${roleRef.name}" to ${who}${where}`;
}

/** Exact, case-sensitive comparison, as RBAC does. */
function appliesTo(subject: Subject, request: AccessRequest, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === request.user;
    case 'Group':
      return request.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace ?? bindingNamespace ?? '';
      return request.user === `system:serviceaccount:${namespace}:${subject.name}`;
    }
  }
}

function ruleAllows(rule: PolicyRule, request: AccessRequest): boolean {
  if (request.nonResource) {
    const { path, verb } = request.nonResource;
    return (
      matches(rule.verbs, verb) &&
      (rule.nonResourceURLs ?? []).some(
        (url) => url === '*' || url === path || (url.endsWith('*') && path.startsWith(url.slice(0, -1))),
      )
    );
  }
  const target = request.resource;
  if (!target || rule.resources === undefined) return false;
  const resource = target.subresource === '' ? target.resource : `${target.resource}/${target.subresource}`;
  const names = rule.resourceNames ?? [];
  return (
    matches(rule.verbs, target.verb) &&
    matches(rule.apiGroups ?? [], target.group) &&
    matches(rule.resources, resource) &&
    (names.length === 0 || names.includes(target.name))
  );
}

function matches(allowed: readonly string[], value: string): boolean {
  return allowed.includes('*') || allowed.includes(value);
}
