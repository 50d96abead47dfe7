import { describe, expect, it } from 'vitest';
import { asPrincipalArn, asRequestId } from '../../../../src/core/ids.ts';
import type { Settings } from '../../../../src/core/settings.ts';
import { AdapterError } from '../../../../src/shared/errors.ts';
import { applyRequest } from '../../../../src/usecases/apply/apply-request.ts';
import { inMemoryWorld } from '../../../fakes/in-memory/ports.ts';
import { BOB, CAROL, pendingRequest } from '../../core/request/fixtures.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';

function settings(approvers: string[] = [BOB]): Settings {
  return {
    clusters: [
      {
        name: 'prod-cluster',
        aliases: [],
        region: 'us-east-1',
        accountId: '111122223333',
        method: 'access-entries',
        approvers,
        requiredApprovals: 1,
      },
    ],
    users: {},
  };
}

function approvedWorld(approvers?: string[], principal = 'arn:aws:iam::111122223333:user/alice') {
  const world = inMemoryWorld(settings(approvers));
  const request = pendingRequest({
    status: 'approved',
    approvals: [{ by: BOB, at: 1 }],
    principalArn: asPrincipalArn(principal),
  });
  world.requests.set(request.id, request);
  return { world, id: request.id };
}

describe('applyGrant', () => {
  it('on API_AND_CONFIG_MAP, carries the aws-auth mapping into the new entry so the person loses nothing', async () => {
    const { world, id } = approvedWorld();
    world.clusterCache.answer = { name: 'prod-cluster', status: 'ACTIVE', authenticationMode: 'API_AND_CONFIG_MAP' };
    world.awsAuth.data = {
      mapUsers: '- userarn: arn:aws:iam::111122223333:user/alice\n  username: dev\n  groups: [readers]\n',
    };

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('granted');
    expect(world.entries.get('arn:aws:iam::111122223333:user/alice')).toMatchObject({
      username: 'dev',
      kubernetesGroups: ['readers'],
    });
  });

  it('on API_AND_CONFIG_MAP, refuses an entry for a system:masters principal and writes nothing', async () => {
    const { world, id } = approvedWorld();
    world.clusterCache.answer = { name: 'prod-cluster', status: 'ACTIVE', authenticationMode: 'API_AND_CONFIG_MAP' };
    world.awsAuth.data = {
      mapUsers: '- userarn: arn:aws:iam::111122223333:user/alice\n  username: a\n  groups: [system:masters]\n',
    };

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('failed');
    expect(world.requests.get(id)?.failure?.code).toBe('aws_auth_cluster_admin');
    expect(world.entries.size).toBe(0);
    expect(world.audit.map((e) => e.type)).toContain('refused');
  });

  it('grants, verifies and records what the principal had before', async () => {
    const { world, id } = approvedWorld();

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('granted');
    expect(world.requests.get(id)?.outcome).toMatchObject({
      hadEntryBefore: false,
      hadPolicyBefore: false,
      policyArn: VIEW,
    });
    expect(world.awsCalls).toContain('CreateAccessEntry');
    expect(world.audit.map((e) => e.type)).toEqual(['applying', 'granted']);
  });

  it('acts on a cached cluster description that allows access entries, without a DescribeCluster call', async () => {
    const { world, id } = approvedWorld();
    world.clusterCache.answer = { name: 'prod-cluster', status: 'ACTIVE', authenticationMode: 'API' };

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('granted');
    expect(world.awsCalls).not.toContain('DescribeCluster');
    // Create first: idempotency is the create's clientRequestToken, not a read before it.
    expect(world.awsCalls).toEqual(['CreateAccessEntry', 'AssociateAccessPolicy', 'ListAssociatedAccessPolicies']);
  });

  it('after a kill between the create and the store write, takes its own tagged entry for "no entry before"', async () => {
    const { world, id } = approvedWorld();
    world.clusterCache.answer = { name: 'prod-cluster', status: 'ACTIVE', authenticationMode: 'API' };
    const principal = 'arn:aws:iam::111122223333:user/alice';
    const tags = { 'eks-access/managed-by': 'eks-access', 'eks-access/request': id };
    world.entries.set(principal, { principalArn: principal, type: 'STANDARD', kubernetesGroups: [], tags });

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('granted');
    const stored = world.requests.get(id);
    expect(stored?.preState?.prior).toMatchObject({ policies: [] });
    expect(stored?.preState?.prior?.entry).toBeUndefined();
    expect(stored?.outcome).toMatchObject({ hadEntryBefore: false, hadPolicyBefore: false });
    expect(world.awsCalls).toEqual(['CreateAccessEntry', 'AssociateAccessPolicy', 'ListAssociatedAccessPolicies']);
  });

  it('reads the policies of an entry someone else made, and records it as there before', async () => {
    const { world, id } = approvedWorld();
    world.clusterCache.answer = { name: 'prod-cluster', status: 'ACTIVE', authenticationMode: 'API' };
    const principal = 'arn:aws:iam::111122223333:user/alice';
    world.entries.set(principal, { principalArn: principal, type: 'STANDARD', kubernetesGroups: ['ops'], tags: {} });

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('granted');
    expect(world.requests.get(id)?.preState?.prior?.entry).toMatchObject({ kubernetesGroups: ['ops'] });
    expect(world.requests.get(id)?.outcome).toMatchObject({ hadEntryBefore: true });
    expect(world.awsCalls.slice(0, 2)).toEqual(['CreateAccessEntry', 'ListAssociatedAccessPolicies']);
  });

  it('asks EKS again when the cached description says CONFIG_MAP (modes only move forward)', async () => {
    const { world, id } = approvedWorld();
    world.clusterCache.answer = { name: 'prod-cluster', status: 'ACTIVE', authenticationMode: 'CONFIG_MAP' };

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('granted');
    expect(world.awsCalls[0]).toBe('DescribeCluster');
  });

  it('records an entry that was already there as there before, and associates over what it holds', async () => {
    const { world, id } = approvedWorld();
    const principal = 'arn:aws:iam::111122223333:user/alice';
    world.entries.set(principal, { principalArn: principal, type: 'STANDARD', kubernetesGroups: [], tags: {} });
    world.policies.set(principal, [{ policyArn: VIEW, scope: { type: 'namespace', namespaces: ['team-a'] } }]);

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('granted');
    expect(world.requests.get(id)?.outcome).toMatchObject({ hadEntryBefore: true, hadPolicyBefore: true });
    expect(world.policies.get(principal)?.[0]?.scope).toEqual({ type: 'cluster' });
  });

  it('re-checks approvals when it runs: an approver removed from the config no longer counts', async () => {
    const { world, id } = approvedWorld([CAROL]);

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('failed');
    expect(world.requests.get(id)?.failure?.code).toBe('approvals_no_longer_valid');
    expect(world.awsCalls).toEqual([]);
  });

  it('turns a configured session ARN into the role ARN with its path through IAM', async () => {
    const { world, id } = approvedWorld(undefined, 'arn:aws:sts::111122223333:assumed-role/data-eng/carol');

    await applyRequest(world.deps, id);

    expect([...world.entries.keys()]).toEqual(['arn:aws:iam::111122223333:role/teams/data-eng']);
  });

  it.each([
    ['a federated user', 'arn:aws:sts::111122223333:federated-user/carol'],
    ['the account root', 'arn:aws:iam::111122223333:root'],
  ])('refuses %s without calling EKS', async (_, principal) => {
    const { world, id } = approvedWorld(undefined, principal);

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('failed');
    expect(world.requests.get(id)?.failure?.code).toBe('invalid_principal');
    expect(world.awsCalls).not.toContain('CreateAccessEntry');
  });

  it('never touches a node or Fargate entry the principal already has', async () => {
    const { world, id } = approvedWorld();
    world.entries.set('arn:aws:iam::111122223333:user/alice', {
      principalArn: 'arn:aws:iam::111122223333:user/alice',
      type: 'EC2_LINUX',
      kubernetesGroups: [],
      tags: {},
    });

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('failed');
    expect(world.awsCalls).not.toContain('AssociateAccessPolicy');
  });

  it('rethrows a retryable AWS error so the queue retries, and marks failed on the final attempt', async () => {
    const { world, id } = approvedWorld();
    world.failNext.set(
      'CreateAccessEntry',
      new AdapterError('aws_throttled', true, { upstream: 'ThrottlingException' }),
    );

    await expect(applyRequest(world.deps, id)).rejects.toThrow('aws_throttled');
    const midway = world.requests.get(id)?.status;
    world.failNext.set(
      'AssociateAccessPolicy',
      new AdapterError('aws_throttled', true, { upstream: 'ThrottlingException' }),
    );
    const last = await applyRequest(world.deps, id, true);

    expect(midway).toBe('applying');
    expect(last.status).toBe('failed');
    expect(world.requests.get(id)?.failure?.message).toContain('throttling');
  });

  it('does nothing for a request that is not approved, and only re-announces a finished one', async () => {
    const world = inMemoryWorld(settings());
    const pending = pendingRequest({ id: asRequestId('R1PENDING') });
    world.requests.set(pending.id, pending);

    const result = await applyRequest(world.deps, pending.id);

    expect(result.status).toBe('pending');
    expect(world.awsCalls).toEqual([]);
  });
});

describe('applyGrant records the exact prior state before its first write', () => {
  const principal = 'arn:aws:iam::111122223333:user/alice';
  const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy';

  it('keeps the entry’s username, groups and every policy with its scope', async () => {
    const { world, id } = approvedWorld();
    world.entries.set(principal, {
      principalArn: principal,
      type: 'STANDARD',
      username: 'alice',
      kubernetesGroups: ['readers'],
      tags: {},
    });
    world.policies.set(principal, [{ policyArn: ADMIN, scope: { type: 'namespace', namespaces: ['team-a'] } }]);

    await applyRequest(world.deps, id);

    expect(world.requests.get(id)?.preState?.prior).toEqual({
      entry: { type: 'STANDARD', username: 'alice', kubernetesGroups: ['readers'], isBotTagged: false },
      policies: [{ policyArn: ADMIN, scope: { type: 'namespace', namespaces: ['team-a'] } }],
      at: world.deps.clock.now(),
    });
  });

  it('inherits the record of a grant already active on the principal, so the bot’s additions are not "before"', async () => {
    const { world, id: firstId } = approvedWorld();
    await applyRequest(world.deps, firstId);
    const second = pendingRequest({
      id: asRequestId('R0000000099'),
      status: 'approved',
      approvals: [{ by: BOB, at: 1 }],
      principalArn: asPrincipalArn(principal),
      namespaces: ['team-b'],
    });
    world.requests.set(second.id, second);

    await applyRequest(world.deps, second.id);

    expect(world.requests.get(second.id)?.preState?.prior).toMatchObject({
      policies: [],
      inheritedFrom: firstId,
    });
    expect(world.requests.get(second.id)?.preState?.prior?.entry).toBeUndefined();
    expect(world.requests.get(second.id)?.outcome).toMatchObject({ hadEntryBefore: false, hadPolicyBefore: false });
  });
});
