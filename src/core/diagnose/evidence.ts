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
  /**
   * The session name the person signs in to a shared role with, when their mapped identity is a session
   * (`users: { role, session }`, SSO or a link): compared with the session of a pasted session ARN.
   */
  mappedSession?: string;
}

/** One RoleBinding or ClusterRoleBinding, as far as the diagnosis needs it. */
export interface BindingFact {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  /** RoleBindings only. */
  namespace?: string;
  /** `ClusterRole/view`, `Role/dev-reader`. */
  roleRef: { kind: string; name: string };
  subjects: readonly { kind: string; name: string; namespace?: string }[];
}

/** Every ClusterRoleBinding, and every RoleBinding in every namespace. */
export interface RbacFacts {
  bindings: readonly BindingFact[];
}

/** One recorded change to the principal's access: a CloudTrail event, or an aws-auth write eks-access made. */
export interface AccessChange {
  event: 'DeleteAccessEntry' | 'DisassociateAccessPolicy' | 'UpdateAccessEntry';
  /** The caller's ARN as CloudTrail recorded it (`userIdentity.arn`), e.g. a session ARN. */
  by: string;
  /** Epoch milliseconds. */
  at: number;
  /** The access entry's principal, as the request named it. */
  principalArn: string;
  /** DisassociateAccessPolicy: which policy. */
  policyArn?: string;
  /** UpdateAccessEntry: the new username or groups, in a few words. */
  detail?: string;
}

/** CloudTrail's last 90 days of changes to the principal's access entry and its policies, newest first. */
export interface AccessChangeFacts {
  changes: readonly AccessChange[];
}

/** One aws-auth write eks-access recorded (audit `aws_auth_write`): who, when, and the data it replaced. */
export interface AwsAuthWriteFact {
  at: number;
  actor: string;
  requestId?: string;
  /** The data as it was before this write. */
  before: Readonly<Record<string, string>>;
}

/** The bot's own last grant for this person on the cluster that has ended. */
export interface EndedGrantFacts {
  requestId: string;
  level: string;
  /** `expired`, `revoked`, or `drift` (what the grant added was removed outside eks-access). */
  reason: 'expired' | 'revoked' | 'drift';
  at: number;
  by?: string;
  /** The session the grant was for, on a shared role. */
  session?: string;
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
  /** RBAC bindings, to tell whether the mapped username and groups are bound to anything (absent: not gathered). */
  rbac?: Known<RbacFacts>;
  /** Who deleted or changed the principal's access entry or policies (CloudTrail; absent: not gathered). */
  accessChanges?: Known<AccessChangeFacts>;
  /** eks-access's own aws-auth writes on this cluster, oldest first (absent: not gathered, e.g. `doctor`). */
  awsAuthWrites?: readonly AwsAuthWriteFact[];
  /** The person's most recent ended eks-access grant on this cluster, if any. */
  endedGrant?: EndedGrantFacts;
}
