import { describe, expect, it } from 'vitest';
import { asPrincipalArn } from '../../../../src/core/ids.ts';
import type { Settings } from '../../../../src/core/settings.ts';
import { applyRequest } from '../../../../src/usecases/apply/apply-request.ts';
import { inMemoryWorld } from '../../../fakes/in-memory/ports.ts';
import { BOB, CAROL, pendingRequest } from '../../core/request/fixtures.ts';

const ADMIN_ARN = 'arn:aws:iam::111122223333:user/admin';
const CLUSTER_ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';

const settings: Settings = {
  clusters: [
    {
      name: 'prod-cluster',
      aliases: [],
      region: 'us-east-1',
      accountId: '111122223333',
      method: 'access-entries',
      approvers: [BOB, CAROL],
      requiredApprovals: 1,
    },
  ],
  users: {},
};

function recoveryWorld(approvals = [BOB, CAROL]) {
  const world = inMemoryWorld(settings);
  const request = pendingRequest({
    kind: 'recover',
    level: 'cluster-admin',
    status: 'approved',
    principalArn: asPrincipalArn(ADMIN_ARN),
    approvals: approvals.map((by, i) => ({ by, at: i + 1 })),
  });
  world.requests.set(request.id, request);
  return { world, id: request.id };
}

/** The cluster answers CONFIG_MAP until UpdateClusterConfig is called (the world's own cluster is API_AND_CONFIG_MAP). */
function onConfigMapUntilSwitched(world: ReturnType<typeof inMemoryWorld>): void {
  const gateways = world.deps.gateways;
  world.deps.gateways = {
    forCluster: (cluster) => {
      const gateway = gateways.forCluster(cluster);
      const entries = gateway.accessEntries;
      return {
        ...gateway,
        accessEntries: {
          ...entries,
          describeCluster: async (options) => {
            const info = await entries.describeCluster(options);
            const isSwitched = world.awsCalls.includes('UpdateClusterConfig');
            return isSwitched ? info : { ...info, authenticationMode: 'CONFIG_MAP' };
          },
        },
      };
    },
  };
}

describe('applyRequest chooses the flow', () => {
  it('runs a lock-out recovery on a CONFIG_MAP cluster: the mode switch first, then the admin entry', async () => {
    const { world, id } = recoveryWorld();
    onConfigMapUntilSwitched(world);

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('granted');
    expect(world.awsCalls.indexOf('UpdateClusterConfig')).toBeGreaterThan(-1);
    expect(world.awsCalls.indexOf('UpdateClusterConfig')).toBeLessThan(world.awsCalls.indexOf('CreateAccessEntry'));
    expect(world.policies.get(ADMIN_ARN)).toEqual([{ policyArn: CLUSTER_ADMIN, scope: { type: 'cluster' } }]);
    expect(world.requests.get(id)?.modeUpdate?.id).toBe('update-1');
    expect(world.audit.map((e) => e.type)).toEqual(expect.arrayContaining(['mode_switch', 'granted', 'recovered']));
  });

  it('does not put a recovery through the aws-auth precedence check: aws-auth is what is broken', async () => {
    const { world, id } = recoveryWorld();
    // A grant would be refused here (an entry would replace system:masters); a recovery must get through.
    world.awsAuth.data = { mapUsers: `- userarn: ${ADMIN_ARN}\n  username: admin\n  groups: [system:masters]\n` };

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('granted');
    expect(world.awsCalls).not.toContain('UpdateClusterConfig');
    expect(world.entries.has(ADMIN_ARN)).toBe(true);
  });

  it('re-checks a recovery’s approvals before any AWS call: one approver is not enough', async () => {
    const { world, id } = recoveryWorld([BOB]);

    const result = await applyRequest(world.deps, id);

    expect(result.status).toBe('failed');
    expect(world.requests.get(id)?.failure?.code).toBe('approvals_no_longer_valid');
    expect(world.awsCalls).toEqual([]);
  });

  it('fails a request whose cluster is no longer configured, without calling AWS', async () => {
    const world = inMemoryWorld({ clusters: [], users: {} });
    const request = pendingRequest({ status: 'approved', approvals: [{ by: BOB, at: 1 }] });
    world.requests.set(request.id, request);

    const result = await applyRequest(world.deps, request.id);

    expect(result.status).toBe('failed');
    expect(world.requests.get(request.id)?.failure?.code).toBe('unknown_cluster');
    expect(world.awsCalls).toEqual([]);
  });

  it('leaves a request that already ended as it is: no flow runs, nothing is written or posted', async () => {
    const world = inMemoryWorld(settings);
    const request = pendingRequest({ status: 'expired', approvals: [{ by: BOB, at: 1 }] });
    world.requests.set(request.id, request);

    const result = await applyRequest(world.deps, request.id);

    expect(result.status).toBe('expired');
    expect(world.requests.get(request.id)).toEqual(request);
    expect(world.awsCalls).toEqual([]);
    expect(world.audit).toEqual([]);
    expect(world.posts).toEqual([]);
  });
});
