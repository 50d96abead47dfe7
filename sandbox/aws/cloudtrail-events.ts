/**
 * Builders for CloudTrail management-event records, shaped as CloudTrail delivers them (the JSON that LookupEvents
 * returns as the `CloudTrailEvent` string): `userIdentity` per identity type as in the CloudTrail user guide's
 * userIdentity reference, and the EKS `CreateCluster` call. Principal ids come from `uniqueId`, so they agree with the
 * IAM and STS fakes.
 */
import { randomUUID } from 'node:crypto';
import { parseIamPrincipalArn, uniqueId } from './arn.ts';

/** A CloudTrail record; the fields the fake itself reads are typed, the rest is free-form JSON. */
export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: Record<string, unknown>;
  /** ISO-8601, seconds precision: `2025-01-01T12:00:00Z`. */
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  eventID: string;
  readOnly: boolean;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  [field: string]: unknown;
}

export type CreatorIdentity =
  | { type: 'IAMUser'; userArn: string; accessKeyId?: string }
  | { type: 'AssumedRole'; roleArn: string; sessionName: string; accessKeyId?: string }
  | { type: 'FederatedUser'; name: string; issuerUserArn: string; accessKeyId?: string }
  | { type: 'Root'; accessKeyId?: string }
  | { type: 'AWSService'; invokedBy: string }
  | { type: 'IdentityCenterUser'; userId: string; identityStoreId: string };

export interface CreateClusterEventInput {
  clusterName: string;
  region: string;
  accountId: string;
  /** Epoch milliseconds. */
  eventTime: number;
  userIdentity: CreatorIdentity;
  /** E.g. `cloudformation.amazonaws.com` when a stack made the call (eksctl, CDK, CloudFormation). */
  invokedBy?: string;
  /** The request field carrying the name: `name` today, `clusterName` in a 2018 example. Default `name`. */
  nameField?: 'name' | 'clusterName';
  authenticationMode?: 'CONFIG_MAP' | 'API_AND_CONFIG_MAP' | 'API';
  bootstrapClusterCreatorAdminPermissions?: boolean;
  eventId?: string;
}

export function iso(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `userIdentity` as CloudTrail records it for each identity type. */
export function userIdentityOf(
  identity: CreatorIdentity,
  accountId: string,
  invokedBy?: string,
): Record<string, unknown> {
  const via = invokedBy === undefined ? {} : { invokedBy };
  const key = (id: string | undefined) => ({ accessKeyId: id ?? uniqueId('ASIA', randomUUID()) });
  switch (identity.type) {
    case 'IAMUser': {
      const user = parseIamPrincipalArn(identity.userArn);
      if (user?.kind !== 'user') throw new Error(`not an IAM user ARN: ${identity.userArn}`);
      return {
        type: 'IAMUser',
        principalId: uniqueId('AIDA', identity.userArn),
        arn: identity.userArn,
        accountId: user.account,
        accessKeyId: identity.accessKeyId ?? uniqueId('AKIA', identity.userArn),
        userName: user.name,
        ...via,
      };
    }
    case 'AssumedRole': {
      const role = parseIamPrincipalArn(identity.roleArn);
      if (role?.kind !== 'role') throw new Error(`not an IAM role ARN: ${identity.roleArn}`);
      const roleId = uniqueId('AROA', identity.roleArn);
      return {
        type: 'AssumedRole',
        principalId: `${roleId}:${identity.sessionName}`,
        // The session ARN never carries the role's path; the session issuer's ARN does.
        arn: `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${identity.sessionName}`,
        accountId: role.account,
        ...key(identity.accessKeyId),
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: roleId,
            arn: identity.roleArn,
            accountId: role.account,
            userName: role.name,
          },
          webIdFederationData: {},
          attributes: { creationDate: '2024-01-01T00:00:00Z', mfaAuthenticated: 'false' },
        },
        ...via,
      };
    }
    case 'FederatedUser': {
      const issuer = parseIamPrincipalArn(identity.issuerUserArn);
      if (issuer?.kind !== 'user') throw new Error(`not an IAM user ARN: ${identity.issuerUserArn}`);
      return {
        type: 'FederatedUser',
        principalId: `${issuer.account}:${identity.name}`,
        arn: `arn:${issuer.partition}:sts::${issuer.account}:federated-user/${identity.name}`,
        accountId: issuer.account,
        ...key(identity.accessKeyId),
        sessionContext: {
          sessionIssuer: {
            type: 'IAMUser',
            principalId: uniqueId('AIDA', identity.issuerUserArn),
            arn: identity.issuerUserArn,
            accountId: issuer.account,
            userName: issuer.name,
          },
          attributes: { creationDate: '2024-01-01T00:00:00Z', mfaAuthenticated: 'false' },
        },
        ...via,
      };
    }
    case 'Root':
      return {
        type: 'Root',
        principalId: accountId,
        arn: `arn:aws:iam::${accountId}:root`,
        accountId,
        accessKeyId: identity.accessKeyId ?? uniqueId('AKIA', `root:${accountId}`),
        ...via,
      };
    case 'AWSService':
      return { type: 'AWSService', invokedBy: identity.invokedBy };
    case 'IdentityCenterUser':
      return {
        type: 'IdentityCenterUser',
        accountId,
        onBehalfOf: {
          userId: identity.userId,
          identityStoreArn: `arn:aws:identitystore::${accountId}:identitystore/${identity.identityStoreId}`,
        },
        credentialId: randomUUID(),
        ...via,
      };
  }
}

/** An `eks:CreateCluster` management event. */
export function createClusterEvent(input: CreateClusterEventInput): CloudTrailRecord {
  const arn = `arn:aws:eks:${input.region}:${input.accountId}:cluster/${input.clusterName}`;
  const accessConfig = {
    authenticationMode: input.authenticationMode ?? 'API_AND_CONFIG_MAP',
    bootstrapClusterCreatorAdminPermissions: input.bootstrapClusterCreatorAdminPermissions ?? true,
  };
  const roleArn = `arn:aws:iam::${input.accountId}:role/eks-cluster-role`;
  return baseRecord(input, 'eks.amazonaws.com', {
    requestParameters: {
      [input.nameField ?? 'name']: input.clusterName,
      version: '1.31',
      roleArn,
      resourcesVpcConfig: { subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'] },
      accessConfig,
    },
    responseElements: {
      cluster: {
        name: input.clusterName,
        arn,
        createdAt: iso(input.eventTime),
        version: '1.31',
        roleArn,
        status: 'CREATING',
        certificateAuthority: {},
        platformVersion: 'eks.1',
        accessConfig,
      },
    },
  });
}

export interface OtherServiceCreateClusterInput extends Omit<CreateClusterEventInput, 'nameField'> {
  /** A service whose API also has `CreateCluster`: `ecs.amazonaws.com`, `redshift.amazonaws.com`, … */
  eventSource: string;
}

/** A `CreateCluster` from another service, for client-side `eventSource` filtering. */
export function otherServiceCreateClusterEvent(input: OtherServiceCreateClusterInput): CloudTrailRecord {
  const service = input.eventSource.split('.')[0] ?? 'ecs';
  const arn = `arn:aws:${service}:${input.region}:${input.accountId}:cluster/${input.clusterName}`;
  return baseRecord(input, input.eventSource, {
    requestParameters: { clusterName: input.clusterName },
    responseElements: { cluster: { clusterArn: arn, clusterName: input.clusterName, status: 'ACTIVE' } },
  });
}

function baseRecord(
  input: Omit<CreateClusterEventInput, 'nameField'>,
  eventSource: string,
  call: Pick<CloudTrailRecord, 'requestParameters' | 'responseElements'>,
): CloudTrailRecord {
  const caller = input.invokedBy ?? '203.0.113.10';
  return {
    eventVersion: '1.09',
    userIdentity: userIdentityOf(input.userIdentity, input.accountId, input.invokedBy),
    eventTime: iso(input.eventTime),
    eventSource,
    eventName: 'CreateCluster',
    awsRegion: input.region,
    sourceIPAddress: caller,
    userAgent:
      input.invokedBy ?? 'aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.8',
    ...call,
    requestID: randomUUID(),
    eventID: input.eventId ?? randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: input.accountId,
    eventCategory: 'Management',
  };
}

export interface EksChangeEventInput {
  eventName: 'DeleteAccessEntry' | 'DisassociateAccessPolicy' | 'UpdateAccessEntry';
  region: string;
  accountId: string;
  /** Epoch milliseconds. */
  eventTime: number;
  userIdentity: CreatorIdentity;
  /** The request members as the EKS model names them: `clusterName`, `principalArn`, `policyArn`, `username`, … */
  requestParameters: Record<string, unknown>;
  eventId?: string;
}

/**
 * An EKS access-entry change (`DeleteAccessEntry`, `DisassociateAccessPolicy`, `UpdateAccessEntry`). The request
 * parameters are recorded under the model's member names; which ones the real service records is not documented
 * (the diagnosis also accepts `name` for the cluster), so treat this shape as the fake's best reading.
 */
export function eksChangeEvent(input: EksChangeEventInput): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    userIdentity: userIdentityOf(input.userIdentity, input.accountId),
    eventTime: iso(input.eventTime),
    eventSource: 'eks.amazonaws.com',
    eventName: input.eventName,
    awsRegion: input.region,
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.8',
    requestParameters: input.requestParameters,
    responseElements: null,
    requestID: randomUUID(),
    eventID: input.eventId ?? randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: input.accountId,
    eventCategory: 'Management',
  };
}
