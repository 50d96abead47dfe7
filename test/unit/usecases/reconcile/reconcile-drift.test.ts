import { describe, expect, it } from 'vitest';
import { asRequestId } from '../../../../src/core/ids.ts';
import type { AccessRequest } from '../../../../src/core/request/request.ts';
import type { Settings } from '../../../../src/core/settings.ts';
import { DEFAULT_AUDIT_RETENTION_MS, trimAuditTrail } from '../../../../src/usecases/reconcile/audit-retention.ts';
import { checkDrift } from '../../../../src/usecases/reconcile/reconcile-drift.ts';
import { inMemoryWorld } from '../../../fakes/in-memory/ports.ts';
import { mrkdwnText } from '../../../support/mrkdwn-message.ts';
import { pendingRequest } from '../../core/request/fixtures.ts';

const NOW = 1_700_000_000_000;
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const CLUSTERS = ['c1', 'c2', 'c3'];

const settings: Settings = {
  clusters: CLUSTERS.map((name) => ({
    name,
    aliases: [],
    region: 'us-east-1',
    accountId: '111122223333',
    method: 'access-entries' as const,
    approvers: ['U0BOB'],
    requiredApprovals: 1,
    approvalChannel: 'C0APPROVALS',
  })),
  users: {},
};

function grant(id: string, cluster: string, principal: string): AccessRequest {
  return pendingRequest({
    id: asRequestId(id),
    cluster,
    status: 'granted',
    outcome: {
      principalArn: principal as never,
      policyArn: VIEW,
      hadEntryBefore: false,
      hadPolicyBefore: false,
      verifiedAt: NOW - 1_000,
      expiresAt: NOW + 3_600_000,
    },
  });
}

function world(grants: AccessRequest[]) {
  const w = inMemoryWorld(settings, NOW);
  for (const g of grants) w.requests.set(g.id, g);
  return w;
}

describe('checkDrift', () => {
  it('ends a grant whose entry is gone, audits it and tells the approval channel; leaves an intact one', async () => {
    const intact = grant('R1', 'c1', 'arn:aws:iam::111122223333:user/intact');
    const w = world([intact, grant('R2', 'c1', 'arn:aws:iam::111122223333:user/gone')]);
    w.entries.set('arn:aws:iam::111122223333:user/intact', {
      principalArn: 'arn:aws:iam::111122223333:user/intact',
      type: 'STANDARD',
      kubernetesGroups: [],
      tags: {},
    });
    w.policies.set('arn:aws:iam::111122223333:user/intact', [{ policyArn: VIEW, scope: { type: 'cluster' } }]);

    const result = await checkDrift(w.deps);

    expect(result).toEqual({ checked: 2, drifted: 1, failed: 0 });
    expect(w.requests.get('R1')?.status).toBe('granted');
    expect(w.requests.get('R2')?.status).toBe('revoked');
    expect(w.requests.get('R2')?.ended?.reason).toBe('drift');
    expect(w.audit.filter((e) => e.type === 'drift').map((e) => e.requestId)).toEqual(['R2']);
    expect(w.posts.some((p) => p.target.channel === 'C0APPROVALS' && /Drift on/.test(mrkdwnText(p.message)))).toBe(
      true,
    );
    expect(w.awsCalls.filter((c) => c.startsWith('Delete') || c.startsWith('Disassociate'))).toEqual([]);
  });

  it('a per-person grant on a shared role holds no policy: an entry without one is not drift, a gone entry is', async () => {
    const role = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_0123456789abcdef';
    const session = (id: string, cluster: string): AccessRequest => {
      const base = grant(id, cluster, role);
      const outcome = base.outcome ?? (undefined as never);
      return {
        ...base,
        session: 'erin@example.com',
        outcome: { ...outcome, policyArn: 'RBAC ClusterRole view for u', sessionUsername: 'u', createdRoleEntry: true },
      };
    };
    const w = world([session('R8', 'c1')]);
    w.entries.set(role, { principalArn: role, type: 'STANDARD', kubernetesGroups: [], tags: {} });

    const intact = await checkDrift(w.deps);
    w.entries.delete(role);
    const gone = await checkDrift(w.deps);

    expect(intact).toEqual({ checked: 1, drifted: 0, failed: 0 });
    expect(gone).toEqual({ checked: 1, drifted: 1, failed: 0 });
    expect(w.requests.get('R8')?.ended?.evidence.join(' ')).toContain('is gone');
  });

  it('reports a policy removed by hand while the entry stayed', async () => {
    const arn = 'arn:aws:iam::111122223333:user/nopolicy';
    const w = world([grant('R3', 'c2', arn)]);
    w.entries.set(arn, { principalArn: arn, type: 'STANDARD', kubernetesGroups: [], tags: {} });

    await checkDrift(w.deps);

    expect(w.requests.get('R3')?.ended?.evidence.join(' ')).toContain('no longer associated');
  });

  it.each([
    [{ clustersPerSweep: 1, confirmationsPerSweep: 25, scopeChecksPerSweep: 20 }, 1],
    [{ clustersPerSweep: 2, confirmationsPerSweep: 25, scopeChecksPerSweep: 20 }, 2],
    [{ clustersPerSweep: 10, confirmationsPerSweep: 25, scopeChecksPerSweep: 20 }, 3],
  ])('is rate-bound by %j: %i cluster(s) swept per sweep, one list each', async (limits, expected) => {
    const w = world(CLUSTERS.map((c, i) => grant(`R${i}`, c, `arn:aws:iam::111122223333:user/u${i}`)));

    const result = await checkDrift(w.deps, limits);

    expect(result.checked).toBe(expected);
    // Per swept cluster one list, view's holders; each grant missing from it (all are) confirmed by one read.
    expect(w.awsCalls.filter((c) => c === 'ListAccessEntries')).toHaveLength(expected);
    expect(w.awsCalls.filter((c) => c === 'DescribeAccessEntry')).toHaveLength(expected);
    expect(result.drifted).toBe(expected);
  });

  it('goes on where the last sweep stopped when more clusters have grants than one sweep may read', async () => {
    const w = world(CLUSTERS.map((c, i) => grant(`R${i}`, c, `arn:aws:iam::111122223333:user/u${i}`)));
    const limits = { clustersPerSweep: 2, confirmationsPerSweep: 25, scopeChecksPerSweep: 20 };

    await checkDrift(w.deps, limits);
    await checkDrift(w.deps, limits);

    // Sweep 1 takes c1 and c2, sweep 2 c3 and then c1 again: all three are gone, each ended once.
    expect(w.audit.filter((e) => e.type === 'drift').map((e) => e.cluster)).toEqual(['c1', 'c2', 'c3']);
  });

  it('skips clusters without active grants without counting them against the bound', async () => {
    const w = world([grant('R1', 'c3', 'arn:aws:iam::111122223333:user/far')]);

    const result = await checkDrift(w.deps, {
      clustersPerSweep: 1,
      confirmationsPerSweep: 25,
      scopeChecksPerSweep: 20,
    });

    expect(result).toEqual({ checked: 1, drifted: 1, failed: 0 });
  });

  it('asks EKS the same number of times for 10 grants on a cluster as for 300', async () => {
    const callsFor = async (count: number) => {
      const grants = Array.from({ length: count }, (_, i) =>
        grant(`R${i}`, 'c1', `arn:aws:iam::111122223333:user/p${i}`),
      );
      const w = world(grants);
      for (const g of grants) {
        const arn = g.outcome?.principalArn ?? '';
        w.entries.set(arn, { principalArn: arn, type: 'STANDARD', kubernetesGroups: [], tags: {} });
        w.policies.set(arn, [{ policyArn: VIEW, scope: { type: 'cluster' } }]);
      }
      const result = await checkDrift(w.deps);
      expect(result).toEqual({ checked: count, drifted: 0, failed: 0 });
      return w.awsCalls;
    };

    const few = await callsFor(10);
    const many = await callsFor(300);

    expect(many).toEqual(few);
    // All hold view and are there: the list of view's holders answers for them all, entries included.
    expect(few).toEqual(['ListAccessEntries']);
  });

  it('a cluster whose lists fail is one failed audit event for all its grants, and ends none of them', async () => {
    const w = world([
      grant('R1', 'c1', 'arn:aws:iam::111122223333:user/a'),
      grant('R2', 'c1', 'arn:aws:iam::111122223333:user/b'),
    ]);
    w.failNext.set('ListAccessEntries', Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));

    const result = await checkDrift(w.deps);

    expect(result).toEqual({ checked: 2, drifted: 0, failed: 2 });
    expect(w.audit.filter((e) => e.type === 'failed')).toEqual([
      expect.objectContaining({ cluster: 'c1', detail: expect.objectContaining({ what: 'drift check', grants: '2' }) }),
    ]);
    expect([...w.requests.values()].map((r) => r.status)).toEqual(['granted', 'granted']);
  });

  it('matches ARNs regardless of case (IAM names are case-insensitive), so a spelling difference ends nothing', async () => {
    const w = world([grant('R5', 'c1', 'arn:aws:iam::111122223333:role/DevOps')]);
    const listed = 'arn:aws:iam::111122223333:role/devops';
    w.entries.set(listed, { principalArn: listed, type: 'STANDARD', kubernetesGroups: [], tags: {} });
    w.policies.set(listed, [{ policyArn: VIEW, scope: { type: 'cluster' } }]);

    expect(await checkDrift(w.deps)).toEqual({ checked: 1, drifted: 0, failed: 0 });
  });

  it('ends nothing on a list alone: a grant a lagging list misses but a direct read shows is left as it is', async () => {
    const arn = 'arn:aws:iam::111122223333:user/fresh';
    const w = world([grant('R6', 'c1', arn)]);
    w.entries.set(arn, { principalArn: arn, type: 'STANDARD', kubernetesGroups: [], tags: {} });
    w.policies.set(arn, [{ policyArn: VIEW, scope: { type: 'cluster' } }]);
    const real = w.deps.gateways.forCluster(settings.clusters[0] as never).accessEntries;
    const lagging = { ...real, listPrincipalsWithPolicy: async () => [] };
    const deps = { ...w.deps, gateways: { forCluster: () => ({ accessEntries: lagging, iam: {} as never }) } };

    const result = await checkDrift(deps);

    expect(result).toEqual({ checked: 1, drifted: 0, failed: 0 });
    expect(w.requests.get('R6')?.status).toBe('granted');
    expect(w.awsCalls).toEqual(['DescribeAccessEntry', 'ListAssociatedAccessPolicies']);
  });

  it('confirms a bounded number of unlisted grants per sweep, in turn', async () => {
    const w = world(['a', 'b', 'c'].map((p, i) => grant(`R${i}`, 'c1', `arn:aws:iam::111122223333:user/${p}`)));
    const limits = { clustersPerSweep: 10, confirmationsPerSweep: 1, scopeChecksPerSweep: 20 };

    const drifted = [];
    for (let i = 0; i < 3; i++) drifted.push((await checkDrift(w.deps, limits)).drifted);

    expect(drifted).toEqual([1, 1, 1]);
    expect(w.awsCalls.filter((c) => c === 'DescribeAccessEntry')).toHaveLength(3);
    expect([...w.requests.values()].map((r) => r.status)).toEqual(['revoked', 'revoked', 'revoked']);
  });

  it('leaves overdue grants to the expiry sweep', async () => {
    const overdue = grant('R9', 'c1', 'arn:aws:iam::111122223333:user/late');
    const outcome = overdue.outcome ?? expect.unreachable('fixture has an outcome');
    const w = world([{ ...overdue, outcome: { ...outcome, expiresAt: NOW - 1 } }]);

    expect((await checkDrift(w.deps)).checked).toBe(0);
  });
});

describe('trimAuditTrail', () => {
  it('without a configured retention keeps 400 days (issue 16: it used to keep everything forever)', async () => {
    const w = world([]);
    w.audit.push({ type: 'requested', at: NOW - 401 * 86_400_000, actor: 'U0OLD' });
    w.audit.push({ type: 'requested', at: NOW - 399 * 86_400_000, actor: 'U0KEPT' });

    const removed = await trimAuditTrail(w.deps);

    expect(DEFAULT_AUDIT_RETENTION_MS).toBe(400 * 86_400_000);
    expect(removed).toBe(1);
    expect(w.audit.map((e) => [e.type, e.actor])).toEqual([
      ['requested', 'U0KEPT'],
      ['audit_trimmed', 'reconciler'],
    ]);
  });

  it('trims events older than the retention and audits the trim', async () => {
    const w = world([]);
    w.audit.push({ type: 'requested', at: NOW - 100 * 86_400_000, actor: 'U0A' });
    w.audit.push({ type: 'requested', at: NOW - 1_000, actor: 'U0B' });

    const removed = await trimAuditTrail({
      ...w.deps,
      tuning: { ...w.deps.tuning, auditRetentionMs: 90 * 86_400_000 },
    });

    expect(removed).toBe(1);
    expect(w.audit.map((e) => [e.type, e.actor])).toEqual([
      ['requested', 'U0B'],
      ['audit_trimmed', 'reconciler'],
    ]);
  });
});

describe('checkDrift on grants with an exact prior record', () => {
  const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy';
  const arn = 'arn:aws:iam::111122223333:user/scoped';
  const teamA = { type: 'namespace' as const, namespaces: ['team-a'] };

  function recorded(id: string, principal = arn): AccessRequest {
    const g = grant(id, 'c3', principal);
    return {
      ...g,
      outcome: { ...(g.outcome ?? ({} as never)), policyArn: ADMIN },
      preState: {
        hadEntryBefore: true,
        hadPolicyBefore: true,
        prior: {
          entry: { type: 'STANDARD', kubernetesGroups: [], isBotTagged: false },
          policies: [{ policyArn: ADMIN, scope: teamA }],
          at: NOW - 2_000,
        },
      },
    };
  }

  it('ends a grant whose widened scope was narrowed by hand, and leaves the person’s scope as it is', async () => {
    const w = world([recorded('R9')]);
    w.entries.set(arn, { principalArn: arn, type: 'STANDARD', kubernetesGroups: [], tags: {} });
    w.policies.set(arn, [{ policyArn: ADMIN, scope: { type: 'namespace', namespaces: ['team-z'] } }]);

    const result = await checkDrift(w.deps);

    expect(result.drifted).toBe(1);
    const ended = w.requests.get('R9')?.ended;
    expect(ended?.reason).toBe('drift');
    expect(ended?.leftForPerson?.join(' ')).toContain('namespace `team-z`');
    expect(w.policies.get(arn)).toEqual([{ policyArn: ADMIN, scope: { type: 'namespace', namespaces: ['team-z'] } }]);
    expect(w.awsCalls.filter((c) => /^(Associate|Disassociate|Delete)/.test(c))).toEqual([]);
  });

  it('leaves a grant alone whose widened scope still holds', async () => {
    const w = world([recorded('R8')]);
    w.entries.set(arn, { principalArn: arn, type: 'STANDARD', kubernetesGroups: [], tags: {} });
    w.policies.set(arn, [{ policyArn: ADMIN, scope: { type: 'cluster' } }]);

    const result = await checkDrift(w.deps);

    expect(result).toMatchObject({ checked: 1, drifted: 0 });
    expect(w.requests.get('R8')?.status).toBe('granted');
  });

  it('reads scopes for a bounded rotating window per sweep, and only where the lists show the policy', async () => {
    const principals = Array.from({ length: 5 }, (_, i) => `arn:aws:iam::111122223333:user/scoped${i}`);
    const w = world([...principals.map((p, i) => recorded(`R${i}`, p)), recorded('R9')]);
    for (const p of principals) {
      w.entries.set(p, { principalArn: p, type: 'STANDARD', kubernetesGroups: [], tags: {} });
      w.policies.set(p, [{ policyArn: ADMIN, scope: { type: 'cluster' } }]);
    }
    // The last one in turn was narrowed by hand; R9's entry is gone, which the lists alone show.
    w.policies.set(principals[4] as string, [
      { policyArn: ADMIN, scope: { type: 'namespace', namespaces: ['team-z'] } },
    ]);
    const limits = { clustersPerSweep: 10, confirmationsPerSweep: 25, scopeChecksPerSweep: 2 };

    const sweeps = [];
    for (let i = 0; i < 3; i++) {
      const before = w.awsCalls.length;
      sweeps.push({ result: await checkDrift(w.deps, limits), reads: w.awsCalls.slice(before) });
    }

    // A sweep with nothing to end: admin's holders, listed once, and the two scope reads of its turn, R2 and R3.
    expect(sweeps[1]?.reads).toEqual([
      'ListAccessEntries',
      'ListAssociatedAccessPolicies',
      'ListAssociatedAccessPolicies',
    ]);
    expect(sweeps.map((s) => s.result.drifted)).toEqual([1, 0, 1]);
    expect(w.requests.get('R9')?.ended?.evidence.join(' ')).toContain('is gone');
    expect(w.requests.get('R4')?.ended?.evidence.join(' ')).toContain('is on namespace `team-z`');
    expect(['R0', 'R1', 'R2', 'R3'].map((id) => w.requests.get(id)?.status)).toEqual([
      'granted',
      'granted',
      'granted',
      'granted',
    ]);
  });
});
