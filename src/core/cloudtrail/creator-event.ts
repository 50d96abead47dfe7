/**
 * Who created an EKS cluster, read from a CloudTrail `CreateCluster` record. Other services (ECS, Redshift,
 * DAX, MemoryDB, CloudHSM) have a `CreateCluster` too, and the single LookupEvents attribute is spent on the
 * event name, so the source and cluster are filtered here.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
export type CreatorFromEvent =
  | { kind: 'principal'; arn: string; identityType: string; invokedBy?: string }
  | { kind: 'unknown'; identityType: string; reason: string };

export const EKS_EVENT_SOURCE = 'eks.amazonaws.com';

/** The record's cluster name, or undefined when it is not an EKS CreateCluster record. */
export function eksClusterNameOf(record: unknown): string | undefined {
  if (!isObject(record) || record['eventSource'] !== EKS_EVENT_SOURCE || record['eventName'] !== 'CreateCluster') {
    return undefined;
  }
  const response = isObject(record['responseElements']) ? record['responseElements'] : {};
  const cluster = isObject(response['cluster']) ? response['cluster'] : {};
  const request = isObject(record['requestParameters']) ? record['requestParameters'] : {};
  // The request field is `name` today; a 2018 example shows `clusterName`.
  for (const candidate of [cluster['name'], request['name'], request['clusterName']]) {
    if (typeof candidate === 'string' && candidate) return candidate;
  }
  return undefined;
}

export function creatorFromRecord(record: unknown): CreatorFromEvent {
  const identity = isObject(record) && isObject(record['userIdentity']) ? record['userIdentity'] : {};
  const type = typeof identity['type'] === 'string' ? identity['type'] : 'Unknown';
  const invokedBy = isObject(record) && typeof record['invokedBy'] === 'string' ? record['invokedBy'] : undefined;
  const extra = invokedBy ? { invokedBy } : {};
  switch (type) {
    case 'IAMUser':
    case 'Root':
      return typeof identity['arn'] === 'string'
        ? { kind: 'principal', arn: identity['arn'], identityType: type, ...extra }
        : { kind: 'unknown', identityType: type, reason: 'the record has no ARN' };
    case 'AssumedRole': {
      // The session ARN has no path; the session issuer is the IAM role with its path, which access entries need.
      const context = isObject(identity['sessionContext']) ? identity['sessionContext'] : {};
      const issuer = isObject(context['sessionIssuer']) ? context['sessionIssuer'] : {};
      if (typeof issuer['arn'] === 'string')
        return { kind: 'principal', arn: issuer['arn'], identityType: type, ...extra };
      return { kind: 'unknown', identityType: type, reason: 'the assumed-role record has no session issuer' };
    }
    case 'FederatedUser':
      return typeof identity['arn'] === 'string'
        ? { kind: 'principal', arn: identity['arn'], identityType: type, ...extra }
        : { kind: 'unknown', identityType: type, reason: 'the record has no ARN' };
    default:
      return {
        kind: 'unknown',
        identityType: type,
        reason: `CloudTrail identity type ${type} does not name an IAM principal`,
      };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
