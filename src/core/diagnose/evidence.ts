import type { PersonIdentity } from '../identity/person-identity.ts';
import type { AccessScope } from '../plan/access-entries.ts';
import type { ReaderFacts } from './reader.ts';

/**
 * What the diagnosis knows about one (principal, cluster) pair. Every fact that comes from AWS or the
 * cluster is a `Known<T>`: adapters that could not look (timeout, no permission, not applicable) say why,
 * and the rules report that as unknown instead of guessing.
 */
export type Known<T> = { known: true; value: T } | { known: false; reason: string; failure?: FactFailure };

/**
 * Why a look-up did not answer, in terms a person acts on (`doctor` lists each with its reason). Absent when the
 * fact was not looked up at all because it does not apply or depends on one that failed (the reason says which).
 */
export interface FactFailure {
  /**
   * `credentials_rejected`: AWS refused the credentials themselves (expired, unknown key, none found).
   * `cluster_unauthorized` / `cluster_forbidden`: the cluster's Kubernetes API answered 401 / 403 to the reader's token.
   * `denied`: an AWS API refused the call (AccessDenied). `timeout`: no answer in time. `error`: anything else.
   */
  kind: 'credentials_rejected' | 'cluster_unauthorized' | 'cluster_forbidden' | 'denied' | 'timeout' | 'error';
  /** The call that failed, e.g. `eks:ListAccessEntries`. */
  operation?: string;
  /** The upstream error name, e.g. `AccessDeniedException` or `Kubernetes 401 Unauthorized`. */
  upstream?: string;
}

export type AuthenticationMode = 'API' | 'API_AND_CONFIG_MAP' | 'CONFIG_MAP';

export interface ClusterFacts {
  /** False when DescribeCluster answered ResourceNotFound in the configured region. */
  found: boolean;
  status?: string;
  /** Absent `accessConfig` (old platform versions) is reported as CONFIG_MAP. */
  authenticationMode?: AuthenticationMode;
  endpoint?: string;
  arn?: string;
  createdAt?: number;
  bootstrapClusterCreatorAdminPermissions?: boolean;
}

export interface AccessEntryFacts {
  /** The ARN that was looked up: the principal's real IAM ARN, role path included. */
  lookedUp: string;
  entry?: {
    principalArn: string;
    type: string;
    username?: string;
    kubernetesGroups: readonly string[];
    createdAt?: number;
    tags: Readonly<Record<string, string>>;
  };
  policies: readonly { policyArn: string; scope: AccessScope }[];
  /** Every principal ARN with an entry on the cluster, to spot another spelling of the same principal. */
  allPrincipalArns: readonly string[];
}

export interface AwsAuthFacts {
  /** False when the ConfigMap does not exist (every IAM mapping is then empty). */
  present: boolean;
  data: Readonly<Record<string, string>>;
}

/** IAM's view of the principal (GetRole / GetUser). */
export interface IamFacts {
  exists: boolean;
  arn?: string;
  createDate?: number;
}

export interface CreatorFacts {
  /** The creator's IAM ARN (a role's ARN with its path, or a user); absent when it could not be determined. */
  arn?: string;
  source: 'cloudtrail' | 'access-entry' | 'unknown';
  eventTime?: number;
  /** Why the source is what it is (e.g. "CreateCluster is older than CloudTrail's 90 days"). */
  note?: string;
}

export interface IdentityFacts {
  /** The ARN being diagnosed, exactly as given. */
  given: string;
  source: 'mapped' | 'pasted_arn' | 'caller_identity';
  /** The Slack user's configured principal, when the user is mapped (for a session: the role's ARN). */
  mapped?: string;
  /** The person's identity as the identity sources resolved it for this cluster (`users`, `identity.sso`, a link). */
  person?: PersonIdentity;
  /** The IAM ARN access entries use (the role's path recovered through IAM), when known. */
  iamArn?: string;
}

/** What the person said about how they call the cluster. */
export interface AskFacts {
  namespace?: string;
  isImpersonating?: boolean;
}

export interface Evidence {
  cluster: {
    name: string;
    region: string;
    accountId: string;
    /** How eks-access grants on this cluster (the config's `method`), to spot a grant path the mode cannot use. */
    method?: 'access-entries' | 'aws-auth' | 'auto';
  };
  /** Epoch milliseconds at which the facts were gathered. */
  now: number;
  identity: IdentityFacts;
  clusterInfo: Known<ClusterFacts>;
  accessEntry: Known<AccessEntryFacts>;
  awsAuth: Known<AwsAuthFacts>;
  iam: Known<IamFacts>;
  creator: Known<CreatorFacts>;
  /** Whose credentials did the look-ups, when that is a person's own shell (`doctor`); absent in Slack. */
  reader?: ReaderFacts;
  /** When eks-access last granted this principal on this cluster, from its own records. */
  lastGrantAt?: number;
  ask: AskFacts;
}
