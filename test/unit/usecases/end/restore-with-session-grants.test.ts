import { describe, expect, it } from 'vitest';
import { asRequestId } from '../../../../src/core/ids.ts';
import type { AccessRequest } from '../../../../src/core/request/request.ts';
import type { Settings } from '../../../../src/core/settings.ts';
import { restoreAccessEntry } from '../../../../src/usecases/end/restore-access-entry.ts';
import { inMemoryWorld } from '../../../fakes/in-memory/ports.ts';
import { pendingRequest } from '../../core/request/fixtures.ts';

const NOW = 1_700_000_000_000;
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const ROLE = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_0123456789abcdef';
const settings: Settings = {
  clusters: [
    {
      name: 'c1',
      aliases: [],
      region: 'us-east-1',
      accountId: '111122223333',
      method: 'access-entries' as const,
      approvers: ['U0BOB'],
      requiredApprovals: 1,
    },
  ],
  users: {},
};

function granted(id: string, outcome: Partial<NonNullable<AccessRequest['outcome']>>): AccessRequest {
  return pendingRequest({
    id: asRequestId(id),
    cluster: 'c1',
    status: 'granted',
    outcome: {
      principalArn: ROLE as never,
      policyArn: VIEW,
      hadEntryBefore: false,
      hadPolicyBefore: false,
      verifiedAt: NOW - 1_000,
      ...outcome,
    },
  });
}

describe('ending a whole-role grant while per-person grants use the role’s entry', () => {
  it('takes its policy away but keeps the entry, and never associates a per-person grant’s RBAC as a policy', async () => {
    const w = inMemoryWorld(settings, NOW);
    w.entries.set(ROLE, {
      principalArn: ROLE,
      type: 'STANDARD',
      kubernetesGroups: [],
      tags: { 'eks-access/managed-by': 'eks-access', 'eks-access/request': 'R1' },
    });
    w.policies.set(ROLE, [{ policyArn: VIEW, scope: { type: 'cluster' } }]);
    const ending = granted('R1', {});
    const session = granted('R2', {
      policyArn: 'RBAC ClusterRole view for u',
      sessionUsername: 'u',
      createdRoleEntry: false,
    });
    const cluster = settings.clusters[0];
    if (!cluster) throw new Error('no cluster');

    const result = await restoreAccessEntry(w.deps, cluster, ending, ROLE, [session], {
      at: NOW - 5_000,
      policies: [],
    });

    expect(w.entries.has(ROLE)).toBe(true);
    expect(w.policies.get(ROLE) ?? []).toEqual([]);
    expect(w.awsCalls).not.toContain('DeleteAccessEntry');
    expect(w.awsCalls).not.toContain('AssociateAccessPolicy');
    expect(result.evidence.join('\n')).toContain('1 per-person grant(s) on the role use it');
  });
});
