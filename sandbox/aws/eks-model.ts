/**
 * In-memory shapes of the EKS fake and the service errors it raises. Times are epoch milliseconds here and become
 * epoch seconds on the wire (restJson1's default timestamp format).
 */

export const AUTHENTICATION_MODES = ['CONFIG_MAP', 'API_AND_CONFIG_MAP', 'API'] as const;
export type AuthenticationMode = (typeof AUTHENTICATION_MODES)[number];

/** Access entry types the service knows (EKS model, `AccessEntry.type`); the model types the field as a string. */
export const ACCESS_ENTRY_TYPES = [
  'STANDARD',
  'EC2_LINUX',
  'EC2_WINDOWS',
  'FARGATE_LINUX',
  'HYBRID_LINUX',
  'EC2',
  'HYPERPOD_LINUX',
] as const;

/** The five core access policies; the real `ListAccessPolicies` returns more, which callers must not assume away. */
export const CORE_ACCESS_POLICIES = [
  'AmazonEKSClusterAdminPolicy',
  'AmazonEKSAdminPolicy',
  'AmazonEKSAdminViewPolicy',
  'AmazonEKSEditPolicy',
  'AmazonEKSViewPolicy',
] as const;

/** At most 3,000 access entries per cluster, not adjustable (AWS General Reference, "Amazon EKS endpoints and quotas"). */
export const EKS_ACCESS_ENTRIES_PER_CLUSTER_MAX = 3_000;
/** `maxResults` range of the List* operations (EKS model). */
export const EKS_MAX_RESULTS_LIMIT = 100;

/** The fake's own partition rule (kept apart from the product's, which reads the SDK's endpoint data). */
export function regionPartition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

export function accessPolicyArn(name: string, partition = 'aws'): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${name}`;
}

export interface AccessScope {
  type: 'cluster' | 'namespace';
  namespaces: string[];
}

export interface AssociatedPolicy {
  policyArn: string;
  accessScope: AccessScope;
  associatedAt: number;
  modifiedAt: number;
}

export interface AccessEntry {
  clusterName: string;
  principalArn: string;
  kubernetesGroups: string[];
  accessEntryArn: string;
  createdAt: number;
  modifiedAt: number;
  tags: Record<string, string>;
  username: string;
  type: string;
  /** Associations keyed by policy ARN, in association order. */
  policies: Map<string, AssociatedPolicy>;
  /** The `clientRequestToken` and parameters of the create call, for idempotent retries. */
  created: { token: string | undefined; fingerprint: string };
}

export interface ClusterUpdate {
  id: string;
  status: 'InProgress' | 'Successful' | 'Failed' | 'Cancelled';
  type: 'AccessConfigUpdate';
  params: { type: string; value: string }[];
  createdAt: number;
  /** When the fake flips the update to Successful and applies it. */
  completesAt: number;
  targetMode: AuthenticationMode;
}

export interface Cluster {
  name: string;
  arn: string;
  region: string;
  accountId: string;
  createdAt: number;
  version: string;
  platformVersion: string;
  endpoint: string;
  roleArn: string;
  status: 'ACTIVE' | 'UPDATING';
  certificateAuthorityData: string;
  /** `undefined` models a cluster from before access entries (no `accessConfig` in DescribeCluster: CONFIG_MAP only). */
  authenticationMode: AuthenticationMode | undefined;
  bootstrapClusterCreatorAdminPermissions: boolean;
  tags: Record<string, string>;
  entries: Map<string, AccessEntry>;
  updates: Map<string, ClusterUpdate>;
}

/** Inputs of the fake's operations (wire fields, decoded). */
export interface AddClusterInput {
  name: string;
  region?: string;
  accountId?: string;
  version?: string;
  platformVersion?: string;
  endpoint?: string;
  /** Base64 of the PEM CA bundle, as in `certificateAuthority.data`. */
  certificateAuthorityData?: string;
  roleArn?: string;
  /** `null` models a cluster without `accessConfig` (older platform version: CONFIG_MAP only). */
  authenticationMode?: AuthenticationMode | null;
  bootstrapClusterCreatorAdminPermissions?: boolean;
  /** With bootstrap on and a mode that has access entries, the creator gets the cluster-admin entry EKS makes. */
  creatorPrincipalArn?: string;
  tags?: Record<string, string>;
  createdAt?: Date | number;
}

export interface CreateEntryInput {
  principalArn: string;
  kubernetesGroups?: string[];
  tags?: Record<string, string>;
  clientRequestToken?: string;
  username?: string;
  type?: string;
}

export interface SeedEntryInput extends Omit<CreateEntryInput, 'clientRequestToken'> {
  createdAt?: Date | number;
  policies?: { policyArn: string; accessScope?: AccessScope }[];
}

export interface ListEntriesInput {
  associatedPolicyArn?: string;
  maxResults?: number;
  nextToken?: string;
}

export type EksErrorCode =
  | 'ResourceInUseException'
  | 'ResourceNotFoundException'
  | 'InvalidParameterException'
  | 'InvalidRequestException'
  | 'ResourceLimitExceededException'
  | 'ServerException'
  | 'ThrottlingException'
  | 'MissingAuthenticationTokenException';

/** HTTP status per error code (EKS model `httpError` traits). */
export const EKS_ERROR_STATUS: Record<EksErrorCode, number> = {
  ResourceInUseException: 409,
  ResourceNotFoundException: 404,
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  ResourceLimitExceededException: 400,
  ServerException: 500,
  ThrottlingException: 429,
  MissingAuthenticationTokenException: 403,
};

/** A service error the fake answers with; thrown by the state and rendered by the wire layer. */
export class EksError extends Error {
  readonly code: EksErrorCode;

  constructor(code: EksErrorCode, message: string) {
    super(message);
    this.name = 'EksError';
    this.code = code;
  }
}

/** Texts the real service answers with (sources in the domain reference, §3 and §4). */
export const EKS_MESSAGES = {
  configMapOnly:
    "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.",
  principalFormat: 'The principalArn parameter format is not valid',
  entryInUse: 'The specified access entry resource is already in use on this cluster.',
  entryNotFound:
    "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.",
  serviceLinkedRole:
    'The caller is not allowed to modify access entries with a principalArn value of a Service Linked Role',
  standardOnly: 'This operation can only be performed on Access Entries with a type of "STANDARD".',
  missingAuth: 'Missing Authentication Token',
} as const;
