import { DeleteAccessEntryCommand, DisassociateAccessPolicyCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EksFake } from '../../../sandbox/aws/eks.ts';
import { createClusterDescriptions } from '../../../src/adapters/aws/cluster-descriptions.ts';
import { createEksAccessEntries } from '../../../src/adapters/aws/eks-access-entries.ts';
import { createRequestStore } from '../../../src/adapters/store/request-store.ts';
import { asRequestId } from '../../../src/core/ids.ts';
import type { AccessRequest } from '../../../src/core/request/request.ts';
import type { ClusterSettings, Settings } from '../../../src/core/settings.ts';
import type { ClusterGateway, ClusterGateways } from '../../../src/usecases/ports/eks.ts';
import { checkDrift } from '../../../src/usecases/reconcile/reconcile-drift.ts';
import { inMemoryWorld } from '../../fakes/in-memory/ports.ts';
import { testRedis } from '../../support/redis.ts';
import { pendingRequest } from '../../unit/core/request/fixtures.ts';
import { SANDBOX_CREDENTIALS, setEnv } from '../sandbox/aws-env.ts';

// The drift sweep against the EKS fake over the real SDK, with the request store on real Redis: what it costs is
// counted where EKS would count it.
const NOW = Date.UTC(2026, 0, 1);
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';
const principal = (i: number) => `arn:aws:iam::111122223333:role/person-${String(i).padStart(3, '0')}`;

let eks: EksFake;
let restoreEnv: () => void;
let client: EKSClient;
const { redis } = testRedis();

beforeAll(async () => {
  eks = await EksFake.start();
  restoreEnv = setEnv({ AWS_ENDPOINT_URL_EKS: eks.url });
  client = new EKSClient({ region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
});

afterAll(async () => {
  client.destroy();
  restoreEnv();
  await eks.close();
  await redis.quit();
});

function clusterSettings(name: string): ClusterSettings {
  return {
    name,
    aliases: [],
    region: 'us-east-1',
    accountId: '111122223333',
    method: 'access-entries',
    approvers: ['U0BOB'],
    requiredApprovals: 1,
    approvalChannel: 'C0APPROVALS',
  };
}

function gatewaysOverFake(): ClusterGateways {
  const made = new Map<string, ClusterGateway>();
  return {
    forCluster(cluster) {
      const gateway = made.get(cluster.name) ?? {
        accessEntries: createEksAccessEntries(
          client,
          cluster.name,
          createClusterDescriptions(client, cluster.name, () => NOW),
        ),
        iam: { getRoleArn: async () => undefined },
      };
      made.set(cluster.name, gateway);
      return gateway;
    },
  };
}

function grant(id: string, cluster: string, i: number, policyArn = VIEW): AccessRequest {
  return pendingRequest({
    id: asRequestId(id),
    cluster,
    status: 'granted',
    principalArn: principal(i) as never,
    outcome: {
      principalArn: principal(i) as never,
      policyArn,
      hadEntryBefore: false,
      hadPolicyBefore: false,
      verifiedAt: NOW - 1_000,
      expiresAt: NOW + 3_600_000,
    },
  });
}

/** A cluster with `entries` access entries holding view, and a store whose `grants` bot grants are the first ones. */
async function setUp(cluster: string, entries: number, grants: number) {
  eks.addCluster({ name: cluster, authenticationMode: 'API' });
  for (let i = 0; i < entries; i++) {
    eks.seedAccessEntry(cluster, {
      principalArn: principal(i),
      policies: [{ policyArn: i % 2 === 0 ? VIEW : EDIT, accessScope: { type: 'cluster', namespaces: [] } }],
    });
  }
  const settings: Settings = { clusters: [clusterSettings(cluster)], users: {} };
  const w = inMemoryWorld(settings, NOW);
  const store = createRequestStore(redis, `{drift-${cluster}}`);
  for (let i = 0; i < grants; i++) {
    const g = grant(`R${cluster}-${i}`, cluster, i, i % 2 === 0 ? VIEW : EDIT);
    await store.create(g);
    await store.markActive(g);
  }
  const deps = { ...w.deps, store, gateways: gatewaysOverFake() };
  const eksCallsDuring = async <T>(run: () => Promise<T>) => {
    const before = eks.calls.length;
    const result = await run();
    const calls = eks.calls.slice(before).filter((c) => c.path.startsWith(`/clusters/${cluster}/`));
    return { result, calls: calls.map((c) => `${c.op} ${c.query['associatedPolicyArn'] ?? ''}`.trim()) };
  };
  return { w, store, deps, eksCallsDuring };
}

describe('the drift sweep over ListAccessEntries', () => {
  it('makes the same EKS calls for 10 grants on a cluster as for 300: two policies in use, two pages each', async () => {
    const few = await setUp('few', 300, 10);
    const many = await setUp('many', 300, 300);

    const fewSweep = await few.eksCallsDuring(() => checkDrift(few.deps));
    const manySweep = await many.eksCallsDuring(() => checkDrift(many.deps));

    expect(fewSweep.result).toEqual({ checked: 10, drifted: 0, failed: 0 });
    expect(manySweep.result).toEqual({ checked: 300, drifted: 0, failed: 0 });
    // One list per policy in use (view, edit), 150 holders each: 2 pages each. Nothing per grant, and no unfiltered
    // list: every grant is among its policy's holders, so its entry is there too.
    const pages = (n: number, call: string) => Array.from({ length: n }, () => call);
    expect([...fewSweep.calls].sort()).toEqual(
      [...pages(2, `ListAccessEntries ${EDIT}`), ...pages(2, `ListAccessEntries ${VIEW}`)].sort(),
    );
    expect(manySweep.calls).toHaveLength(fewSweep.calls.length);
    expect([...manySweep.calls].sort()).toEqual([...fewSweep.calls].sort());
  });

  it('ends the grant whose policy was taken away and the one whose entry was deleted, and no other', async () => {
    const { deps, store, eksCallsDuring } = await setUp('handmade', 150, 150);
    await client.send(
      new DisassociateAccessPolicyCommand({ clusterName: 'handmade', principalArn: principal(4), policyArn: VIEW }),
    );
    await client.send(new DeleteAccessEntryCommand({ clusterName: 'handmade', principalArn: principal(101) }));

    const sweep = await eksCallsDuring(() => checkDrift(deps));

    expect(sweep.result).toEqual({ checked: 150, drifted: 2, failed: 0 });
    expect((await store.get(asRequestId('Rhandmade-4')))?.ended?.evidence.join(' ')).toContain('no longer associated');
    expect((await store.get(asRequestId('Rhandmade-101')))?.ended?.evidence.join(' ')).toContain('is gone');
    expect((await store.activeOn('handmade')).map((r) => r.id)).toHaveLength(148);
    // Reads only: per policy the one page its 74 holders fit in, then a direct read of each grant the lists miss
    // before it is ended (the deleted entry: one describe; the taken policy: describe and its policies).
    expect(sweep.calls.sort()).toEqual(
      [
        `ListAccessEntries ${EDIT}`,
        `ListAccessEntries ${VIEW}`,
        'DescribeAccessEntry',
        'DescribeAccessEntry',
        'ListAssociatedAccessPolicies',
      ].sort(),
    );
  });

  it('with more clusters than a sweep may read, goes on from the cursor the store keeps', async () => {
    const names = ['rot-a', 'rot-b', 'rot-c'];
    for (const name of names) {
      eks.addCluster({ name, authenticationMode: 'API' });
      eks.seedAccessEntry(name, { principalArn: principal(1), policies: [{ policyArn: VIEW }] });
    }
    const w = inMemoryWorld({ clusters: names.map(clusterSettings), users: {} }, NOW);
    const store = createRequestStore(redis, '{drift-rotation}');
    for (const name of names) {
      const g = grant(`R${name}`, name, 1);
      await store.create(g);
      await store.markActive(g);
    }
    const deps = { ...w.deps, store, gateways: gatewaysOverFake() };

    const swept: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const before = eks.calls.length;
      await checkDrift(deps, { clustersPerSweep: 2, confirmationsPerSweep: 25, scopeChecksPerSweep: 20 });
      const paths = eks.calls.slice(before).map((c) => c.path.split('/')[2] ?? '');
      swept.push([...new Set(paths)]);
    }

    expect(swept).toEqual([
      ['rot-a', 'rot-b'],
      ['rot-c', 'rot-a'],
      ['rot-b', 'rot-c'],
    ]);
    expect(await store.readCursor('drift-clusters')).toBe(0);
  });
});
