import type { AccessScope, AssociatedPolicy } from '../../core/plan/access-entries.ts';
import type { ClusterSettings } from '../../core/settings.ts';

export interface AccessEntryInfo {
  principalArn: string;
  type: string;
  username?: string;
  kubernetesGroups: readonly string[];
  tags: Readonly<Record<string, string>>;
  createdAt?: number;
}

export interface ClusterInfo {
  name: string;
  status: string;
  /** Absent on old platform versions: treat as CONFIG_MAP. */
  authenticationMode?: string;
  endpoint?: string;
  arn?: string;
}

/** EKS access-entry operations for one cluster, with that cluster's credentials. Throws AdapterError. */
/** How old a cached DescribeCluster answer may be; absent or 0: ask EKS now. */
export interface DescribeOptions {
  maxAgeMs?: number;
}

export interface AccessEntries {
  describeCluster(options?: DescribeOptions): Promise<ClusterInfo>;
  /** Undefined when the principal has no entry (404). */
  describeAccessEntry(principalArn: string): Promise<AccessEntryInfo | undefined>;
  /** Returns `created: false` with the existing entry when one is already there (409 ResourceInUse). */
  createAccessEntry(input: {
    principalArn: string;
    clientRequestToken: string;
    tags: Record<string, string>;
    kubernetesGroups?: readonly string[];
    username?: string;
  }): Promise<{ created: boolean; entry: AccessEntryInfo }>;
  listAssociatedPolicies(principalArn: string): Promise<AssociatedPolicy[]>;
  associatePolicy(principalArn: string, policyArn: string, scope: AccessScope): Promise<void>;
  /** Every principal ARN with an access entry on the cluster (ListAccessEntries, paged; ≤ 3,000 by EKS quota). */
  listPrincipals(): Promise<string[]>;
  /**
   * Every principal ARN whose entry holds this access policy at any scope (ListAccessEntries with
   * `associatedPolicyArn`, paged): one answer for all grants of that level on the cluster.
   */
  listPrincipalsWithPolicy(policyArn: string): Promise<string[]>;
  /** Deletes the entry and its associations; false when it was already gone. */
  deleteAccessEntry(principalArn: string): Promise<boolean>;
  /** False when the association was already gone. */
  disassociatePolicy(principalArn: string, policyArn: string): Promise<boolean>;
  /** UpdateClusterConfig: asynchronous and not idempotent; returns the update to poll. */
  updateAuthenticationMode(mode: 'API_AND_CONFIG_MAP', clientRequestToken: string): Promise<{ updateId: string }>;
  describeUpdate(updateId: string): Promise<{ status: string; errors: readonly string[] }>;
}

export interface IamDirectory {
  /** The role's real IAM ARN (with its path), or undefined when IAM has no such role. */
  getRoleArn(roleName: string): Promise<string | undefined>;
}

export interface ClusterGateway {
  accessEntries: AccessEntries;
  iam: IamDirectory;
}

export interface ClusterGateways {
  forCluster(cluster: ClusterSettings): ClusterGateway;
}

/** How to reach a cluster's Kubernetes API: its endpoint and the CA from DescribeCluster. */
export interface ClusterConnection {
  endpoint: string;
  /** Base64 PEM, as in `certificateAuthority.data`. */
  caData: string;
}
