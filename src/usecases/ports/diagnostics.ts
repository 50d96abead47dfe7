import type {
  AccessChange,
  AccessChangeFacts,
  AccessEntryFacts,
  AwsAuthFacts,
  ClusterFacts,
  CreatorFacts,
  IamFacts,
  RbacFacts,
} from '../../core/diagnose/evidence.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import type { ClusterConnection, DescribeOptions } from './eks.ts';

/**
 * Read-only fact gathering for the diagnosis, for one cluster. Each method throws AdapterError when it
 * cannot answer; the use case turns that into an "unknown" fact with the reason.
 */
export interface DiagnosticsGateway {
  describeCluster(options?: DescribeOptions): Promise<{ facts: ClusterFacts; connection?: ClusterConnection }>;
  /** IAM's record of a user or role by name (GetUser / GetRole); `exists: false` on NoSuchEntity. */
  iamPrincipal(kind: 'user' | 'role', name: string): Promise<IamFacts>;
  accessEntry(principalArn: string): Promise<AccessEntryFacts>;
  /** The aws-auth ConfigMap through the Kubernetes API, with a token the bot builds itself. */
  awsAuth(connection: ClusterConnection): Promise<AwsAuthFacts>;
  /** Who created the cluster: CloudTrail, or the bootstrap access entry when the event is past 90 days. */
  creator(cluster: ClusterFacts): Promise<CreatorFacts>;
  /** Every ClusterRoleBinding and RoleBinding, to check that the mapped username and groups are bound. */
  rbacBindings?(connection: ClusterConnection): Promise<RbacFacts>;
  /** CloudTrail's last 90 days of these events on the principal's access entry (throws when throttled). */
  accessChanges?(principalArn: string, events: readonly AccessChange['event'][]): Promise<AccessChangeFacts>;
}

export interface DiagnosticsGateways {
  forCluster(cluster: ClusterSettings): DiagnosticsGateway;
}
