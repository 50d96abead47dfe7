import { describe, expect, it } from 'vitest';
import { uniqueId } from '../../../sandbox/aws/arn.ts';
import { type CreatorIdentity, createClusterEvent, userIdentityOf } from '../../../sandbox/aws/cloudtrail-events.ts';
import { usernameOf } from '../../../sandbox/aws/cloudtrail-lookup.ts';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/platform/cluster-builder`;
const USER = `arn:aws:iam::${ACCOUNT}:user/ops/alice`;

describe('userIdentityOf', () => {
  it.each<[string, CreatorIdentity, Record<string, unknown>, string | undefined]>([
    [
      'IAMUser',
      { type: 'IAMUser', userArn: USER, accessKeyId: 'AKIAEXAMPLE000000001' },
      {
        type: 'IAMUser',
        arn: USER,
        userName: 'alice',
        principalId: uniqueId('AIDA', USER),
        accessKeyId: 'AKIAEXAMPLE000000001',
      },
      'alice',
    ],
    [
      'AssumedRole (session ARN without the path, issuer ARN with it)',
      { type: 'AssumedRole', roleArn: ROLE, sessionName: 'bob' },
      {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/cluster-builder/bob`,
        principalId: `${uniqueId('AROA', ROLE)}:bob`,
        sessionContext: {
          sessionIssuer: { type: 'Role', arn: ROLE, userName: 'cluster-builder', principalId: uniqueId('AROA', ROLE) },
        },
      },
      'bob',
    ],
    [
      'FederatedUser (issued by an IAM user)',
      { type: 'FederatedUser', name: 'carol', issuerUserArn: USER },
      {
        type: 'FederatedUser',
        arn: `arn:aws:sts::${ACCOUNT}:federated-user/carol`,
        principalId: `${ACCOUNT}:carol`,
        sessionContext: { sessionIssuer: { type: 'IAMUser', arn: USER, userName: 'alice' } },
      },
      'carol',
    ],
    ['Root', { type: 'Root' }, { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT }, 'root'],
    [
      'AWSService',
      { type: 'AWSService', invokedBy: 'eks.amazonaws.com' },
      { type: 'AWSService', invokedBy: 'eks.amazonaws.com' },
      'eks.amazonaws.com',
    ],
    [
      'IdentityCenterUser',
      { type: 'IdentityCenterUser', userId: 'u-123', identityStoreId: 'd-9067642ac7' },
      {
        type: 'IdentityCenterUser',
        onBehalfOf: {
          userId: 'u-123',
          identityStoreArn: `arn:aws:identitystore::${ACCOUNT}:identitystore/d-9067642ac7`,
        },
      },
      undefined,
    ],
  ])('records %s as CloudTrail does', (_case, identity, expected, username) => {
    const userIdentity = userIdentityOf(identity, ACCOUNT);
    const record = createClusterEvent({
      clusterName: 'c',
      region: 'us-east-1',
      accountId: ACCOUNT,
      eventTime: 0,
      userIdentity: identity,
    });

    expect(userIdentity).toMatchObject(expected);
    expect(usernameOf(record)).toBe(username);
  });

  it('marks a call made by a CloudFormation stack with invokedBy', () => {
    const record = createClusterEvent({
      clusterName: 'stacked',
      region: 'us-east-1',
      accountId: ACCOUNT,
      eventTime: Date.UTC(2025, 0, 1),
      userIdentity: { type: 'AssumedRole', roleArn: ROLE, sessionName: 'AWSCloudFormation' },
      invokedBy: 'cloudformation.amazonaws.com',
      nameField: 'clusterName',
    });

    expect(record).toMatchObject({
      eventTime: '2025-01-01T00:00:00Z',
      eventSource: 'eks.amazonaws.com',
      sourceIPAddress: 'cloudformation.amazonaws.com',
      userIdentity: { invokedBy: 'cloudformation.amazonaws.com' },
      requestParameters: { clusterName: 'stacked' },
      responseElements: { cluster: { name: 'stacked', arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/stacked` } },
    });
    expect(record.requestParameters).not.toHaveProperty('name');
  });
});
