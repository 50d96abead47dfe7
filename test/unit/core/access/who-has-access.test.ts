import { describe, expect, it } from 'vitest';
import { classifyAccess, type EntrySeen } from '../../../../src/core/access/who-has-access.ts';
import { asPrincipalArn, asRequestId } from '../../../../src/core/ids.ts';
import type { AccessRequest } from '../../../../src/core/request/request.ts';
import { pendingRequest } from '../request/fixtures.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';
const ALICE = 'arn:aws:iam::111122223333:user/alice';
const OPS = 'arn:aws:iam::111122223333:role/ops';

function grant(id: string, outcome: Partial<NonNullable<AccessRequest['outcome']>> = {}): AccessRequest {
  return pendingRequest({
    id: asRequestId(id),
    status: 'granted',
    outcome: {
      principalArn: asPrincipalArn(ALICE),
      policyArn: VIEW,
      hadEntryBefore: false,
      hadPolicyBefore: false,
      verifiedAt: 1,
      expiresAt: 5_000,
      ...outcome,
    },
  });
}

const entry = (principalArn: string, policies: string[]): EntrySeen => ({
  principalArn,
  type: 'STANDARD',
  tags: {},
  policies: policies.map((policyArn) => ({ policyArn, scope: 'cluster' })),
});

describe('classifyAccess', () => {
  it.each([
    ['a policy the bot granted is time-bound', [grant('R1')], [entry(ALICE, [VIEW])], 'time-bound'],
    ['a policy nobody granted through the bot is standing', [], [entry(OPS, [EDIT])], 'standing'],
    [
      'a policy held before the grant stays standing',
      [grant('R1', { hadPolicyBefore: true })],
      [entry(ALICE, [VIEW])],
      'standing',
    ],
    ['another level on the same principal is standing', [grant('R1')], [entry(ALICE, [EDIT])], 'standing'],
    [
      'ARN case differences still match',
      [grant('R1')],
      [entry(ALICE.toUpperCase().replace('ARN:AWS:IAM', 'arn:aws:iam'), [VIEW])],
      'time-bound',
    ],
  ])('%s', (_name, grants, entries, kind) => {
    const found = classifyAccess({ grants, entries });

    expect(found.rows.map((r) => r.kind)).toEqual([kind]);
  });

  it('time-bound rows name their grants and the last end', () => {
    const found = classifyAccess({
      grants: [grant('R1', { expiresAt: 1_000 }), grant('R2', { expiresAt: 9_000 })],
      entries: [entry(ALICE, [VIEW])],
    });

    expect(found.rows[0]?.grants?.map((g) => g.id)).toEqual(['R1', 'R2']);
    expect(found.rows[0]?.expiresAt).toBe(9_000);
    expect(found.missing).toEqual([]);
  });

  it('an active grant with nothing on the cluster is reported missing', () => {
    const found = classifyAccess({ grants: [grant('R1')], entries: [entry(OPS, [])] });

    expect(found.missing.map((g) => g.id)).toEqual(['R1']);
    expect(found.rows).toEqual([
      { principalArn: OPS, via: 'access entry', what: 'no policy (STANDARD)', kind: 'standing' },
    ]);
  });

  it('aws-auth items: the bot-mapped one is time-bound, the node role standing', () => {
    const bob = grant('R3', { method: 'aws-auth' });
    const request = { ...bob, principalArn: asPrincipalArn('arn:aws:iam::111122223333:role/platform/bob-admin') };
    const mapRoles = [
      '- rolearn: arn:aws:iam::111122223333:role/eks-node-role',
      '  username: system:node:{{EC2PrivateDNSName}}',
      '  groups: [system:nodes]',
      '- rolearn: arn:aws:iam::111122223333:role/bob-admin',
      '  username: eks-access:bob-admin',
      '  groups: [eks-access:view]',
      '',
    ].join('\n');

    const found = classifyAccess({ grants: [request], entries: [], awsAuth: { data: { mapRoles } } });

    expect(found.rows.map((r) => [r.principalArn, r.via, r.kind])).toEqual([
      ['arn:aws:iam::111122223333:role/eks-node-role', 'aws-auth', 'standing'],
      ['arn:aws:iam::111122223333:role/bob-admin', 'aws-auth', 'time-bound'],
    ]);
    expect(found.missing).toEqual([]);
  });

  it('aws-auth that could not be read is said so, and its grants are not called missing', () => {
    const found = classifyAccess({
      grants: [grant('R4', { method: 'aws-auth' })],
      entries: [],
      awsAuth: { unavailable: 'k8s_unauthorized' },
    });

    expect(found.awsAuthUnavailable).toBe('k8s_unauthorized');
    expect(found.missing).toEqual([]);
  });
});
