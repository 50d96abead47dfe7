import type { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canI } from '../../../src/adapters/kubernetes/access-review.ts';
import { type ClusterApis, clusterApisFor } from '../../../src/adapters/kubernetes/cluster-api.ts';
import {
  BindingConflictError,
  deleteGroupBinding,
  deleteUserBinding,
  ensureGroupBinding,
  ensureUserBinding,
  groupBindingName,
  hasUserBinding,
  MANAGED_BY_LABEL,
  userBindingName,
} from '../../../src/adapters/kubernetes/rbac.ts';
import { type World, world } from './world.ts';

const VIEWERS = 'eks-access:view';
const EDITORS = 'eks-access:edit';
const RBAC = 'rbac.authorization.k8s.io';

let w: World;
let apis: ClusterApis;

beforeEach(async () => {
  w = await world();
  apis = await clusterApisFor(w.target);
});

afterEach(async () => {
  expect(w.kube.unexpected).toEqual([]);
  await w.close();
});

async function labelsOf(rbac: RbacAuthorizationV1Api, name: string): Promise<Record<string, string> | undefined> {
  return (await rbac.readClusterRoleBinding({ name })).metadata?.labels;
}

describe('ensureGroupBinding', () => {
  it('creates one labelled ClusterRoleBinding for cluster scope, and finds it the second time', async () => {
    const first = await ensureGroupBinding(apis.rbac, { group: VIEWERS, clusterRole: 'view' });
    const second = await ensureGroupBinding(apis.rbac, { group: VIEWERS, clusterRole: 'view' });

    expect(first).toEqual([{ kind: 'ClusterRoleBinding', name: 'eks-access-view', status: 'created' }]);
    expect(second).toEqual([{ kind: 'ClusterRoleBinding', name: 'eks-access-view', status: 'existing' }]);
    expect(w.kube.clusterRoleBinding('eks-access-view')).toMatchObject({
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'Group', apiGroup: RBAC, name: VIEWERS }],
    });
    expect(await labelsOf(apis.rbac, 'eks-access-view')).toEqual({ [MANAGED_BY_LABEL]: 'eks-access' });
    expect(w.kube.callsTo('CreateClusterRoleBinding').map((c) => c.status)).toEqual([201, 409]);
    expect(w.kube.callsTo('ReplaceClusterRoleBinding')).toEqual([]);
  });

  it('creates one RoleBinding per namespace for namespace scope', async () => {
    const ensured = await ensureGroupBinding(apis.rbac, {
      group: EDITORS,
      clusterRole: 'edit',
      namespaces: ['team-a', 'team-b', 'team-a'],
    });

    expect(ensured).toEqual([
      { kind: 'RoleBinding', name: 'eks-access-edit-team-a', namespace: 'team-a', status: 'created' },
      { kind: 'RoleBinding', name: 'eks-access-edit-team-b', namespace: 'team-b', status: 'created' },
    ]);
    expect(w.kube.roleBinding('team-b', 'eks-access-edit-team-b')).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'Group', name: EDITORS }],
    });
    expect(w.kube.clusterRoleBinding('eks-access-edit')).toBeUndefined();
  });

  it('refuses a same-named binding with another roleRef and leaves it as it was', async () => {
    w.kube.addClusterRoleBinding('eks-access-view', 'cluster-admin', [{ kind: 'Group', name: VIEWERS }]);
    const before = w.kube.clusterRoleBinding('eks-access-view');

    const refused = await ensureGroupBinding(apis.rbac, { group: VIEWERS, clusterRole: 'view' }).catch(
      (error: unknown) => error,
    );

    expect(refused).toBeInstanceOf(BindingConflictError);
    expect(refused).toMatchObject({
      code: 'k8s_conflict',
      retryable: false,
      binding: { kind: 'ClusterRoleBinding', name: 'eks-access-view' },
      found: { roleRef: 'ClusterRole/cluster-admin', subjects: [`Group/${VIEWERS}`], isManagedByUs: false },
    });
    expect(w.kube.clusterRoleBinding('eks-access-view')).toEqual(before);
  });

  it('refuses a foreign binding of that name that lacks the group, but repairs its own', async () => {
    w.kube.addClusterRoleBinding('eks-access-view', 'view', [{ kind: 'Group', name: 'someone-else' }]);

    const foreign = await ensureGroupBinding(apis.rbac, { group: VIEWERS, clusterRole: 'view' }).catch(
      (error: unknown) => error,
    );
    await ensureGroupBinding(apis.rbac, { group: EDITORS, clusterRole: 'edit' });
    const ours = await apis.rbac.readClusterRoleBinding({ name: 'eks-access-edit' });
    await apis.rbac.replaceClusterRoleBinding({ name: 'eks-access-edit', body: { ...ours, subjects: [] } });
    const repaired = await ensureGroupBinding(apis.rbac, { group: EDITORS, clusterRole: 'edit' });

    expect(foreign).toBeInstanceOf(BindingConflictError);
    expect(repaired).toEqual([{ kind: 'ClusterRoleBinding', name: 'eks-access-edit', status: 'repaired' }]);
    expect(w.kube.clusterRoleBinding('eks-access-edit')?.subjects).toEqual([
      { kind: 'Group', apiGroup: RBAC, name: EDITORS },
    ]);
  });

  it.each([['system:masters'], ['system:nodes'], ['']])('never binds the group %j', async (group) => {
    await expect(ensureGroupBinding(apis.rbac, { group, clusterRole: 'cluster-admin' })).rejects.toThrow(RangeError);
    expect(w.kube.callsTo('CreateClusterRoleBinding')).toEqual([]);
  });

  it('treats an empty namespace list as a mistake, never as cluster scope', async () => {
    await expect(
      ensureGroupBinding(apis.rbac, { group: VIEWERS, clusterRole: 'view', namespaces: [] }),
    ).rejects.toThrow(RangeError);
  });

  it.each([
    ['eks-access:view', undefined, 'eks-access-view'],
    ['eks-access:edit', 'team-a', 'eks-access-edit-team-a'],
    ['Platform:Admins', undefined, 'eks-access-platform-admins'],
  ])('names the binding of %j (namespace %j) %j', (group, namespace, name) => {
    expect(groupBindingName(group, namespace)).toBe(name);
  });
});

describe('canI (SubjectAccessReview)', () => {
  const alice = { user: 'alice', groups: [VIEWERS] };

  it('answers from the cluster’s bindings before and after the group is bound', async () => {
    const before = await canI(apis.authorization, { ...alice, verb: 'list', resource: 'pods', namespace: 'default' });
    await ensureGroupBinding(apis.rbac, { group: VIEWERS, clusterRole: 'view' });
    const after = await canI(apis.authorization, { ...alice, verb: 'list', resource: 'pods', namespace: 'default' });
    const write = await canI(apis.authorization, { ...alice, verb: 'delete', resource: 'pods', namespace: 'default' });

    expect(before).toEqual({ allowed: false, isDenied: false, reason: '' });
    expect(after.allowed).toBe(true);
    expect(after.reason).toContain('eks-access-view');
    expect(write.allowed).toBe(false);
  });

  it('limits a namespace-scoped grant to its namespaces', async () => {
    const bob = { user: 'bob', groups: [EDITORS] };
    await ensureGroupBinding(apis.rbac, { group: EDITORS, clusterRole: 'edit', namespaces: ['team-a'] });

    const inside = await canI(apis.authorization, {
      ...bob,
      verb: 'create',
      resource: 'deployments',
      group: 'apps',
      namespace: 'team-a',
    });
    const outside = await canI(apis.authorization, {
      ...bob,
      verb: 'create',
      resource: 'deployments',
      group: 'apps',
      namespace: 'team-b',
    });

    expect(inside.allowed).toBe(true);
    expect(outside.allowed).toBe(false);
  });
});

describe('deleteGroupBinding', () => {
  it('deletes the bindings eks-access made, and calls an already deleted one gone', async () => {
    await ensureGroupBinding(apis.rbac, { group: EDITORS, clusterRole: 'edit', namespaces: ['team-a'] });
    await ensureGroupBinding(apis.rbac, { group: VIEWERS, clusterRole: 'view' });

    const cluster = await deleteGroupBinding(apis.rbac, { group: VIEWERS, clusterRole: 'view' });
    const namespaced = await deleteGroupBinding(apis.rbac, {
      group: EDITORS,
      clusterRole: 'edit',
      namespaces: ['team-a'],
    });
    const again = await deleteGroupBinding(apis.rbac, { group: VIEWERS, clusterRole: 'view' });

    expect(cluster).toEqual([{ kind: 'ClusterRoleBinding', name: 'eks-access-view', status: 'deleted' }]);
    expect(namespaced).toEqual([
      { kind: 'RoleBinding', name: 'eks-access-edit-team-a', namespace: 'team-a', status: 'deleted' },
    ]);
    expect(again).toEqual([{ kind: 'ClusterRoleBinding', name: 'eks-access-view', status: 'gone' }]);
    expect(w.kube.clusterRoleBinding('eks-access-view')).toBeUndefined();
    expect(w.kube.roleBinding('team-a', 'eks-access-edit-team-a')).toBeUndefined();
  });

  it('keeps a binding that is not labelled as ours, or that a person gave another subject', async () => {
    w.kube.addClusterRoleBinding('eks-access-view', 'view', [{ kind: 'Group', name: VIEWERS }]);
    await ensureGroupBinding(apis.rbac, { group: EDITORS, clusterRole: 'edit' });
    const edited = await apis.rbac.readClusterRoleBinding({ name: 'eks-access-edit' });
    await apis.rbac.replaceClusterRoleBinding({
      name: 'eks-access-edit',
      body: { ...edited, subjects: [...(edited.subjects ?? []), { kind: 'User', apiGroup: RBAC, name: 'carol' }] },
    });

    const notOurs = await deleteGroupBinding(apis.rbac, { group: VIEWERS, clusterRole: 'view' });
    const shared = await deleteGroupBinding(apis.rbac, { group: EDITORS, clusterRole: 'edit' });

    expect(notOurs[0]?.status).toBe('kept');
    expect(shared[0]?.status).toBe('kept');
    expect(shared[0]?.why).toContain('User/carol');
    expect(w.kube.clusterRoleBinding('eks-access-view')).toBeDefined();
    expect(w.kube.clusterRoleBinding('eks-access-edit')).toBeDefined();
  });
});

describe('user bindings (per-person grants on a shared role)', () => {
  const ERIN = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/erin-example.com';
  const FRANK = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/frank-example.com';

  it('binds one username cluster-wide: the review allows that user alone, with no groups', async () => {
    const first = await ensureUserBinding(apis.rbac, { user: ERIN, clusterRole: 'view' });
    const second = await ensureUserBinding(apis.rbac, { user: ERIN, clusterRole: 'view' });
    const name = userBindingName(ERIN, 'view');

    expect(first).toEqual([{ kind: 'ClusterRoleBinding', name, status: 'created' }]);
    expect(second).toEqual([{ kind: 'ClusterRoleBinding', name, status: 'existing' }]);
    expect(w.kube.clusterRoleBinding(name)).toMatchObject({
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', apiGroup: RBAC, name: ERIN }],
    });
    expect(await labelsOf(apis.rbac, name)).toEqual({ [MANAGED_BY_LABEL]: 'eks-access' });
    expect(await hasUserBinding(apis.rbac, { user: ERIN, clusterRole: 'view' })).toBe(true);
    expect(await hasUserBinding(apis.rbac, { user: FRANK, clusterRole: 'view' })).toBe(false);
    expect((await canI(apis.authorization, { user: ERIN, verb: 'get', resource: 'pods' })).allowed).toBe(true);
    expect((await canI(apis.authorization, { user: FRANK, verb: 'get', resource: 'pods' })).allowed).toBe(false);
  });

  it('makes one RoleBinding per namespace and deletes them again while they are ours', async () => {
    const spec = { user: ERIN, clusterRole: 'edit', namespaces: ['payments', 'web', 'payments'] };
    const ensured = await ensureUserBinding(apis.rbac, spec);
    const name = userBindingName(ERIN, 'edit');

    expect(ensured.map((b) => [b.kind, b.namespace, b.name, b.status]).sort()).toEqual([
      ['RoleBinding', 'payments', name, 'created'],
      ['RoleBinding', 'web', name, 'created'],
    ]);
    expect(w.kube.roleBinding('web', name)?.subjects).toEqual([{ kind: 'User', apiGroup: RBAC, name: ERIN }]);
    const removed = await deleteUserBinding(apis.rbac, spec);
    expect(removed.map((b) => b.status)).toEqual(['deleted', 'deleted']);
    expect(w.kube.roleBinding('web', name)).toBeUndefined();
  });

  it('keeps a binding of that name someone widened to another subject', async () => {
    await ensureUserBinding(apis.rbac, { user: ERIN, clusterRole: 'view' });
    const name = userBindingName(ERIN, 'view');
    const current = await apis.rbac.readClusterRoleBinding({ name });
    await apis.rbac.replaceClusterRoleBinding({
      name,
      body: { ...current, subjects: [...(current.subjects ?? []), { kind: 'User', apiGroup: RBAC, name: FRANK }] },
    });

    const removed = await deleteUserBinding(apis.rbac, { user: ERIN, clusterRole: 'view' });

    expect(removed).toEqual([expect.objectContaining({ status: 'kept' })]);
    expect(w.kube.clusterRoleBinding(name)).toBeDefined();
  });

  it('names bindings per username and ClusterRole, deterministically', () => {
    expect(userBindingName(ERIN, 'view')).toMatch(/^eks-access:view:[0-9a-f]{12}$/);
    expect(userBindingName(ERIN, 'view')).toBe(userBindingName(ERIN, 'view'));
    expect(userBindingName(ERIN, 'view')).not.toBe(userBindingName(FRANK, 'view'));
    expect(userBindingName(ERIN, 'view').slice(-12)).toBe(userBindingName(ERIN, 'edit').slice(-12));
  });
});
