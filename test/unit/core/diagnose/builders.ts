import type {
  AccessEntryFacts,
  AuthenticationMode,
  AwsAuthFacts,
  Evidence,
  Known,
} from '../../../../src/core/diagnose/evidence.ts';
import { accessPolicyArn } from '../../../../src/core/levels.ts';

export const ACCOUNT = '111122223333';
export const CLUSTER = 'prod-cluster';
export const REGION = 'eu-west-1';
export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
export const DAY = 86_400_000;

/** Bob's role has an IAM path: access entries want it, aws-auth must not have it. */
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/platform/bob-admin`;
export const ROLE_ARN_NO_PATH = `arn:aws:iam::${ACCOUNT}:role/bob-admin`;
export const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/bob-admin/bob`;
export const CREATOR_ARN = `arn:aws:iam::${ACCOUNT}:role/cluster-creator`;
export const NODE_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/eks-node-role`;
export const VIEW_POLICY = accessPolicyArn('view', 'aws');
export const ADMIN_POLICY = accessPolicyArn('cluster-admin', 'aws');

export const NODE_ITEM = `- rolearn: ${NODE_ROLE_ARN}
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
`;

export const BOB_ITEM = `- rolearn: ${ROLE_ARN_NO_PATH}
  username: bob-admin:{{SessionName}}
  groups:
    - eks-access:view
`;

export function known<T>(value: T): Known<T> {
  return { known: true, value };
}

export function unknown<T>(reason: string): Known<T> {
  return { known: false, reason };
}

export function awsAuth(data: Record<string, string>): Known<AwsAuthFacts> {
  return known({ present: true, data });
}

export function entryFacts(overrides: Partial<AccessEntryFacts> = {}): AccessEntryFacts {
  return {
    lookedUp: ROLE_ARN,
    entry: {
      principalArn: ROLE_ARN,
      type: 'STANDARD',
      username: `arn:aws:sts::${ACCOUNT}:assumed-role/bob-admin/{{SessionName}}`,
      kubernetesGroups: [],
      createdAt: NOW - 10 * DAY,
      tags: { 'eks-access/managed-by': 'eks-access' },
    },
    policies: [{ policyArn: VIEW_POLICY, scope: { type: 'cluster' } }],
    allPrincipalArns: [CREATOR_ARN, ROLE_ARN],
    ...overrides,
  };
}

/** No entry for Bob; the cluster's other entries stay. */
export function noEntry(allPrincipalArns: readonly string[] = [CREATOR_ARN]): Known<AccessEntryFacts> {
  const { entry: _, ...rest } = entryFacts({ policies: [], allPrincipalArns });
  return known(rest);
}

/**
 * Bob, signed in through his role, checked with his caller identity, with working access: an access entry with
 * the view policy on API modes, a mapRoles item on CONFIG_MAP. Every rule stays silent on it.
 */
export function healthy(mode: AuthenticationMode, overrides: Partial<Evidence> = {}): Evidence {
  const accessEntry: Known<AccessEntryFacts> =
    mode === 'CONFIG_MAP' ? unknown('CONFIG_MAP clusters have no access entries') : known(entryFacts());
  const aws: Known<AwsAuthFacts> =
    mode === 'API'
      ? unknown('not read: in API mode the cluster ignores aws-auth')
      : awsAuth({ mapRoles: mode === 'CONFIG_MAP' ? NODE_ITEM + BOB_ITEM : NODE_ITEM });
  return {
    cluster: { name: CLUSTER, region: REGION, accountId: ACCOUNT },
    now: NOW,
    identity: { given: SESSION_ARN, source: 'caller_identity', mapped: ROLE_ARN, iamArn: ROLE_ARN },
    clusterInfo: known({
      found: true,
      status: 'ACTIVE',
      authenticationMode: mode,
      endpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
      arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`,
      createdAt: NOW - 300 * DAY,
      bootstrapClusterCreatorAdminPermissions: true,
    }),
    accessEntry,
    awsAuth: aws,
    iam: known({ exists: true, arn: ROLE_ARN, createDate: NOW - 400 * DAY }),
    creator: known({ arn: CREATOR_ARN, source: 'cloudtrail', eventTime: NOW - 300 * DAY }),
    ask: {},
    ...overrides,
  };
}

export const MODES: readonly AuthenticationMode[] = ['API', 'API_AND_CONFIG_MAP', 'CONFIG_MAP'];

/** Evidence in which Bob is not mapped at all, for the given mode. */
export function unmapped(mode: AuthenticationMode, overrides: Partial<Evidence> = {}): Evidence {
  return healthy(mode, {
    ...(mode === 'CONFIG_MAP' ? {} : { accessEntry: noEntry() }),
    ...(mode === 'API' ? {} : { awsAuth: awsAuth({ mapRoles: NODE_ITEM }) }),
    ...overrides,
  });
}
