import { describe, expect, it } from 'vitest';
import { asRequestId } from '../../../../src/core/ids.ts';
import type { AccessRequest } from '../../../../src/core/request/request.ts';
import { ownedSessionBindings } from '../../../../src/usecases/apply/session-bindings.ts';
import { pendingRequest } from '../../core/request/fixtures.ts';

const CRB = { kind: 'ClusterRoleBinding' as const, name: 'eks-access:view:0123456789ab' };

function activeListing(bindings: NonNullable<AccessRequest['outcome']>['sessionBindings']): AccessRequest {
  return pendingRequest({
    id: asRequestId('R9'),
    status: 'granted',
    outcome: {
      principalArn: 'arn:aws:iam::111122223333:role/r' as never,
      policyArn: 'RBAC ClusterRole view for u',
      hadEntryBefore: true,
      hadPolicyBefore: false,
      verifiedAt: 1,
      sessionUsername: 'u',
      ...(bindings ? { sessionBindings: bindings } : {}),
    },
  });
}

describe('the bindings a per-person grant co-owns', () => {
  it('lists what it created or repaired, and what an active grant made and still lists', () => {
    const ensured = [
      { ...CRB, status: 'created' as const },
      { kind: 'RoleBinding' as const, name: 'b', namespace: 'web', status: 'repaired' as const },
      { kind: 'RoleBinding' as const, name: 'b', namespace: 'api', status: 'existing' as const },
    ];
    const active = [activeListing([{ kind: 'RoleBinding', name: 'b', namespace: 'api', clusterRole: 'edit' }])];

    expect(ownedSessionBindings(ensured, 'edit', active)).toEqual([
      { ...CRB, clusterRole: 'edit' },
      { kind: 'RoleBinding', name: 'b', namespace: 'web', clusterRole: 'edit' },
      { kind: 'RoleBinding', name: 'b', namespace: 'api', clusterRole: 'edit' },
    ]);
  });

  it('never lists a binding that was there before any grant', () => {
    const ensured = [{ ...CRB, status: 'existing' as const }];

    expect(ownedSessionBindings(ensured, 'view', [])).toEqual([]);
    expect(ownedSessionBindings(ensured, 'view', [activeListing(undefined)])).toEqual([]);
  });
});
