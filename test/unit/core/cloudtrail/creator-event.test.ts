import { describe, expect, it } from 'vitest';
import { creatorFromRecord, eksClusterNameOf } from '../../../../src/core/cloudtrail/creator-event.ts';

const base = {
  eventSource: 'eks.amazonaws.com',
  eventName: 'CreateCluster',
  responseElements: { cluster: { name: 'prod' } },
};

describe('CloudTrail CreateCluster records', () => {
  it.each([
    ['responseElements.cluster.name', base, 'prod'],
    ['requestParameters.name', { ...base, responseElements: null, requestParameters: { name: 'p2' } }, 'p2'],
    [
      'the 2018 requestParameters.clusterName',
      { ...base, responseElements: {}, requestParameters: { clusterName: 'p3' } },
      'p3',
    ],
    ['an ECS CreateCluster', { ...base, eventSource: 'ecs.amazonaws.com' }, undefined],
    ['another event', { ...base, eventName: 'DeleteCluster' }, undefined],
    ['garbage', 'not a record', undefined],
  ])('finds the cluster name from %s', (_, record, expected) => {
    expect(eksClusterNameOf(record)).toBe(expected);
  });

  it.each([
    [{ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ops/alice' }, 'arn:aws:iam::111122223333:user/ops/alice'],
    [
      {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
        sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/platform/Admin' } },
      },
      'arn:aws:iam::111122223333:role/platform/Admin',
    ],
    [
      { type: 'FederatedUser', arn: 'arn:aws:sts::111122223333:federated-user/bob' },
      'arn:aws:sts::111122223333:federated-user/bob',
    ],
    [{ type: 'Root', arn: 'arn:aws:iam::111122223333:root' }, 'arn:aws:iam::111122223333:root'],
  ])('names the creator for %o', (userIdentity, arn) => {
    expect(creatorFromRecord({ ...base, userIdentity })).toMatchObject({ kind: 'principal', arn });
  });

  it.each(['AWSService', 'IdentityCenterUser', 'Unknown'])('reports %s as unknown with a reason', (type) => {
    const result = creatorFromRecord({ ...base, userIdentity: { type } });

    expect(result).toMatchObject({ kind: 'unknown', identityType: type });
  });

  it('keeps invokedBy (a CloudFormation stack created the cluster)', () => {
    const result = creatorFromRecord({
      ...base,
      invokedBy: 'cloudformation.amazonaws.com',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ci' },
    });

    expect(result).toEqual({
      kind: 'principal',
      arn: 'arn:aws:iam::111122223333:user/ci',
      identityType: 'IAMUser',
      invokedBy: 'cloudformation.amazonaws.com',
    });
  });
});
