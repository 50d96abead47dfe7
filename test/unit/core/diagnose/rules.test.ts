import { describe, expect, it } from 'vitest';
import type { BindingFact, Evidence } from '../../../../src/core/diagnose/evidence.ts';
import type { Finding } from '../../../../src/core/diagnose/finding.ts';
import { RULES, type RuleId } from '../../../../src/core/diagnose/rules/index.ts';
import {
  ACCOUNT,
  awsAuth,
  BOB_ITEM,
  CREATOR_ARN,
  DAY,
  entryFacts,
  healthy,
  known,
  MODES,
  NODE_ITEM,
  NODE_ROLE_ARN,
  NOW,
  noEntry,
  ROLE_ARN,
  ROLE_ARN_NO_PATH,
  SESSION_ARN,
  unknown,
  unmapped,
  VIEW_POLICY,
} from './builders.ts';

/** What a broken case must produce: severity always; the rest when given. */
interface Expected {
  severity: Finding['severity'];
  symptom?: Finding['symptom'] | 'none';
  isGrantFix?: boolean;
  /** A piece of the fix command. */
  command?: string;
  /** A piece of one evidence line. */
  evidence?: string;
  /** A piece of the fix text. */
  fix?: string;
}

type Case = readonly [name: string, evidence: Evidence, expected: Expected | undefined];

const OTHER_ROLE = `arn:aws:iam::${ACCOUNT}:role/readonly`;
const SSO_SET = 'AWSReservedSSO_Admin_0123456789abcdef';
const SSO_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${SSO_SET}`;
const SSO_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/${SSO_SET}/bob@example.com`;
const BROKEN_ROLES = `${NODE_ITEM}- rolearn: ${ROLE_ARN_NO_PATH}\n  username: bob\n  groups: [view\n`;
const FOLDED_NODE = NODE_ITEM.replace('    - system:nodes', '     - system:nodes');
const item = (arnLine: string, username = 'bob', groups = ['eks-access:view']) =>
  `- ${arnLine}\n  username: ${username}\n  groups:\n${groups.map((g) => `    - ${g}`).join('\n')}\n`;
const onConfigMap = (data: Record<string, string>, overrides: Partial<Evidence> = {}) =>
  healthy('CONFIG_MAP', { awsAuth: awsAuth(data), ...overrides });
const withCluster = (mode: Parameters<typeof healthy>[0], facts: Record<string, unknown>) => {
  const base = healthy(mode);
  return healthy(mode, {
    clusterInfo: known({ ...(base.clusterInfo.known ? base.clusterInfo.value : { found: true }), ...facts }),
  });
};
const READER_CALLER = { ok: true as const, arn: SESSION_ARN, account: ACCOUNT };
const refused401 = {
  known: false as const,
  reason: 'reading aws-auth failed: Kubernetes 401 Unauthorized',
  failure: { kind: 'cluster_unauthorized' as const, upstream: 'Kubernetes 401 Unauthorized' },
};
const asReader = (overrides: Partial<Evidence> = {}, role?: { arn: string; source: 'option' | 'config' }): Evidence =>
  unmapped('API_AND_CONFIG_MAP', {
    awsAuth: refused401,
    reader: { knownProfiles: [], hasEnvKeys: true, caller: READER_CALLER, ...(role ? { role } : {}) },
    ...overrides,
  });
const sso = (mapRoles: string): Evidence =>
  onConfigMap(
    { mapRoles },
    { identity: { given: SSO_SESSION, source: 'caller_identity', mapped: SSO_ROLE, iamArn: SSO_ROLE } },
  );

// Issue 19: Erin signs in to the shared Dev permission-set role; her grant binds her session's username.
const DEV_SET = 'AWSReservedSSO_Dev_0123456789abcdef';
const DEV_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${DEV_SET}`;
const ERIN = 'erin@example.com';
const ERIN_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/${DEV_SET}/${ERIN}`;
const ERIN_USERNAME = `arn:aws:sts::${ACCOUNT}:assumed-role/${DEV_SET}/erin-example.com`;
const ADMIN_BOB = `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/bob`;
const binding = (name: string, subjects: [string, string][], role = 'view', namespace?: string): BindingFact => ({
  kind: namespace === undefined ? 'ClusterRoleBinding' : 'RoleBinding',
  name,
  ...(namespace === undefined ? {} : { namespace }),
  roleRef: { kind: 'ClusterRole', name: role },
  subjects: subjects.map(([kind, subject]) => ({ kind, name: subject })),
});
const rbac = (...bindings: BindingFact[]) => known({ bindings });
const sessionEntry = (
  username = `arn:aws:sts::${ACCOUNT}:assumed-role/${DEV_SET}/{{SessionName}}`,
  groups: string[] = [],
) =>
  known({
    lookedUp: DEV_ROLE,
    entry: { principalArn: DEV_ROLE, type: 'STANDARD', username, kubernetesGroups: groups, tags: {} },
    policies: [],
    allPrincipalArns: [CREATOR_ARN, DEV_ROLE],
  });
/** Erin, checked as her mapped session, with the binding a per-person grant makes: access works. */
const erin = (overrides: Partial<Evidence> = {}) =>
  healthy('API', {
    identity: { given: ERIN_SESSION, source: 'mapped', mapped: DEV_ROLE, mappedSession: ERIN, iamArn: DEV_ROLE },
    iam: known({ exists: true, arn: DEV_ROLE }),
    accessEntry: sessionEntry(),
    rbac: rbac(binding('eks-access-erin', [['User', ERIN_USERNAME]])),
    ...overrides,
  });
const withGroups = (groups: string[]) =>
  known(
    entryFacts({
      policies: [],
      entry: {
        ...(entryFacts().entry as NonNullable<ReturnType<typeof entryFacts>['entry']>),
        kubernetesGroups: groups,
      },
    }),
  );
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;

const CASES: Record<RuleId, readonly Case[]> = {
  'cluster-not-found': [
    [
      'ResourceNotFound in the region',
      healthy('API', { clusterInfo: known({ found: false }) }),
      { severity: 'blocker', symptom: 'unauthorized', command: 'aws eks list-clusters --region eu-west-1' },
    ],
    ['cluster unknown: no guess', healthy('API', { clusterInfo: unknown('DescribeCluster timed out') }), undefined],
  ],
  'cluster-not-active': [
    [
      'CREATING',
      withCluster('API', { status: 'CREATING' }),
      { severity: 'blocker', symptom: 'transient', command: 'aws eks wait cluster-active --name prod-cluster' },
    ],
    ['UPDATING', withCluster('API', { status: 'UPDATING' }), { severity: 'warning', symptom: 'transient' }],
    ['FAILED', withCluster('API', { status: 'FAILED' }), { severity: 'blocker', symptom: 'none' }],
  ],
  'cluster-refused-reader': [
    [
      'doctor: the cluster answers 401 to the caller, who is the identity checked',
      asReader(),
      { severity: 'blocker', symptom: 'unauthorized', isGrantFix: true, command: '--role-arn', fix: 'Slack' },
    ],
    [
      'doctor --arn someone else: the caller is refused, the other identity is still checked',
      asReader({ identity: { given: OTHER_ROLE, source: 'pasted_arn', iamArn: OTHER_ROLE } }),
      { severity: 'warning', isGrantFix: false, evidence: SESSION_ARN },
    ],
    [
      'doctor --role-arn: the assumed role is refused',
      asReader({}, { arn: OTHER_ROLE, source: 'option' }),
      { severity: 'warning', symptom: 'none', evidence: OTHER_ROLE },
    ],
    [
      'Slack (no reader): a 401 is the bot role, not this rule',
      unmapped('API_AND_CONFIG_MAP', { awsAuth: refused401 }),
      undefined,
    ],
    [
      'doctor: 403 is not the lock-out',
      asReader({ awsAuth: { ...refused401, failure: { kind: 'cluster_forbidden' } } }),
      undefined,
    ],
  ],
  'aws-auth-unparseable': [
    [
      'CONFIG_MAP: mapRoles syntax error',
      onConfigMap({ mapRoles: BROKEN_ROLES }),
      {
        severity: 'urgent',
        symptom: 'unauthorized',
        evidence: 'mapRoles line 9',
        command:
          'aws eks update-cluster-config --name prod-cluster --region eu-west-1 --access-config authenticationMode=API_AND_CONFIG_MAP',
        fix: 'access entry',
      },
    ],
    [
      'API_AND_CONFIG_MAP: repair with an admin entry',
      healthy('API_AND_CONFIG_MAP', { awsAuth: awsAuth({ mapRoles: BROKEN_ROLES }) }),
      { severity: 'urgent', command: 'kubectl edit configmap aws-auth -n kube-system' },
    ],
    [
      'only mapAccounts broken',
      onConfigMap({ mapRoles: NODE_ITEM + BOB_ITEM, mapAccounts: '{not: a list' }),
      { severity: 'warning' },
    ],
    ['API mode: ignored', healthy('API', { awsAuth: awsAuth({ mapRoles: BROKEN_ROLES }) }), { severity: 'info' }],
  ],
  'unsupported-principal': [
    [
      'federated user',
      healthy('API', {
        identity: { given: `arn:aws:sts::${ACCOUNT}:federated-user/bob`, source: 'caller_identity' },
      }),
      { severity: 'blocker', symptom: 'unauthorized', command: `--role-arn arn:aws:iam::${ACCOUNT}:role/<role-name>` },
    ],
    [
      'root',
      healthy('API', { identity: { given: `arn:aws:iam::${ACCOUNT}:root`, source: 'pasted_arn' } }),
      { severity: 'blocker', symptom: 'unauthorized' },
    ],
    [
      'not an ARN',
      healthy('API', { identity: { given: 'bob-admin', source: 'pasted_arn' } }),
      { severity: 'warning', command: 'aws sts get-caller-identity' },
    ],
  ],
  'principal-missing': [
    [
      'NoSuchEntity',
      healthy('API', { iam: known({ exists: false }) }),
      {
        severity: 'blocker',
        symptom: 'unauthorized',
        command: 'aws iam get-role --role-name bob-admin',
        evidence: 'still exists',
      },
    ],
    [
      'SSO role not provisioned yet',
      healthy('API', {
        identity: { given: SSO_SESSION, source: 'caller_identity', iamArn: SSO_ROLE },
        iam: known({ exists: false }),
      }),
      { severity: 'blocker', fix: 'permission set Admin' },
    ],
    ['IAM unknown: no guess', healthy('API', { iam: unknown('AccessDenied on iam:GetRole') }), undefined],
  ],
  'identity-mismatch': [
    [
      'a pasted ARN that is not the mapped one is the verdict (gap 3)',
      healthy('API', {
        identity: { given: OTHER_ROLE, source: 'pasted_arn', mapped: ROLE_ARN, iamArn: OTHER_ROLE },
        accessEntry: noEntry([CREATOR_ARN, ROLE_ARN]),
      }),
      { severity: 'blocker', evidence: `Mapped for you: ${ROLE_ARN}` },
    ],
    [
      'the shared role, but another session',
      erin({
        identity: {
          given: `arn:aws:sts::${ACCOUNT}:assumed-role/${DEV_SET}/frank@example.com`,
          source: 'caller_identity',
          mapped: DEV_ROLE,
          mappedSession: ERIN,
          iamArn: DEV_ROLE,
        },
      }),
      { severity: 'blocker', evidence: `Mapped for you: session ${ERIN} on ${DEV_ROLE}` },
    ],
    [
      'another role in use; the mapped one has an entry',
      healthy('API', {
        identity: {
          given: `arn:aws:sts::${ACCOUNT}:assumed-role/readonly/bob`,
          source: 'caller_identity',
          mapped: ROLE_ARN,
          iamArn: OTHER_ROLE,
        },
        accessEntry: known({ ...entryFacts(), lookedUp: OTHER_ROLE, allPrincipalArns: [CREATOR_ARN, ROLE_ARN] }),
      }),
      {
        severity: 'blocker',
        symptom: 'unauthorized',
        command: `aws eks update-kubeconfig --name prod-cluster --region eu-west-1 --role-arn ${ROLE_ARN}`,
        evidence: `${ROLE_ARN} has an access entry`,
      },
    ],
    [
      'mapped role has no access either: grant it',
      healthy('API', {
        identity: { given: OTHER_ROLE, source: 'caller_identity', mapped: ROLE_ARN, iamArn: OTHER_ROLE },
        accessEntry: noEntry(),
      }),
      { severity: 'blocker', isGrantFix: true },
    ],
    [
      'another SSO permission set',
      healthy('API', {
        identity: {
          given: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_ReadOnly_fedcba9876543210/bob`,
          source: 'caller_identity',
          mapped: SSO_ROLE,
        },
      }),
      { severity: 'blocker', evidence: 'permission set ReadOnly', command: '--profile <your-profile-for-Admin>' },
    ],
    [
      'pasted ARN differs: the verdict now (issue 19, gap 3)',
      healthy('API', { identity: { given: OTHER_ROLE, source: 'pasted_arn', mapped: ROLE_ARN } }),
      { severity: 'blocker', symptom: 'none' },
    ],
    [
      'session of the mapped role (path-less) is the same principal',
      healthy('API', { identity: { given: SESSION_ARN, source: 'caller_identity', mapped: ROLE_ARN } }),
      undefined,
    ],
  ],
  'creator-different-identity': [
    [
      'creator now uses another role',
      healthy('API', {
        identity: { given: SESSION_ARN, source: 'caller_identity', mapped: CREATOR_ARN, iamArn: ROLE_ARN },
      }),
      {
        severity: 'warning',
        symptom: 'unauthorized',
        evidence: 'CloudTrail CreateCluster event',
        command: `--role-arn ${CREATOR_ARN}`,
      },
    ],
    [
      'creator checked as mapped: cannot see what kubectl uses',
      healthy('CONFIG_MAP', { identity: { given: CREATOR_ARN, source: 'mapped', mapped: CREATOR_ARN } }),
      { severity: 'info', symptom: 'none' },
    ],
    [
      'creator from the bootstrap entry',
      healthy('API', {
        identity: { given: SESSION_ARN, source: 'caller_identity', mapped: CREATOR_ARN, iamArn: ROLE_ARN },
        creator: known({ arn: CREATOR_ARN, source: 'access-entry', note: 'CreateCluster is older than 90 days' }),
      }),
      { severity: 'warning', evidence: 'bootstrap cluster-admin access entry' },
    ],
    ['creator unknown', healthy('API', { creator: unknown('cloudtrail:LookupEvents denied') }), undefined],
  ],
  'principal-recreated': [
    [
      'role re-created after the entry',
      healthy('API', { iam: known({ exists: true, arn: ROLE_ARN, createDate: NOW - DAY }) }),
      {
        severity: 'blocker',
        symptom: 'unauthorized',
        command: `aws eks delete-access-entry --cluster-name prod-cluster --region eu-west-1 --principal-arn ${ROLE_ARN} && aws eks create-access-entry`,
      },
    ],
    [
      'CONFIG_MAP creator re-created after the cluster',
      healthy('CONFIG_MAP', {
        identity: { given: CREATOR_ARN, source: 'caller_identity', mapped: CREATOR_ARN, iamArn: CREATOR_ARN },
        iam: known({ exists: true, arn: CREATOR_ARN, createDate: NOW - DAY }),
      }),
      { severity: 'blocker', command: 'authenticationMode=API_AND_CONFIG_MAP' },
    ],
  ],
  'arn-case-mismatch': [
    [
      'entry spelled Bob-Admin',
      healthy('API', { accessEntry: noEntry([CREATOR_ARN, ROLE_ARN.replace('bob-admin', 'Bob-Admin')]) }),
      { severity: 'blocker', symptom: 'unauthorized', isGrantFix: true, command: `--principal-arn ${ROLE_ARN}` },
    ],
  ],
  'entry-for-other-spelling': [
    [
      'entry for the path-less role ARN',
      healthy('API', { accessEntry: noEntry([CREATOR_ARN, ROLE_ARN_NO_PATH]) }),
      {
        severity: 'blocker',
        symptom: 'unauthorized',
        isGrantFix: true,
        command: `aws eks create-access-entry --cluster-name prod-cluster --region eu-west-1 --principal-arn ${ROLE_ARN}`,
      },
    ],
    [
      'IAM not asked: the entry may be the right one',
      healthy('API', {
        iam: unknown('AccessDenied'),
        identity: { given: ROLE_ARN_NO_PATH, source: 'pasted_arn', iamArn: ROLE_ARN_NO_PATH },
        accessEntry: known({ ...noEntryFacts([ROLE_ARN]), lookedUp: ROLE_ARN_NO_PATH }),
      }),
      { severity: 'warning', command: 'aws iam get-role --role-name bob-admin --query Role.Arn' },
    ],
  ],
  'config-map-mode': [
    [
      'eks-access grants with access entries on a CONFIG_MAP cluster',
      withMethod(unmapped('CONFIG_MAP'), 'access-entries'),
      {
        severity: 'blocker',
        symptom: 'unauthorized',
        command:
          'aws eks update-cluster-config --name prod-cluster --region eu-west-1 --access-config authenticationMode=API_AND_CONFIG_MAP',
      },
    ],
    ['mapped in aws-auth: nothing to say', withMethod(healthy('CONFIG_MAP'), 'access-entries'), undefined],
  ],
  'api-mode-ignores-aws-auth': [
    [
      'only in aws-auth',
      healthy('API', { accessEntry: noEntry(), awsAuth: awsAuth({ mapRoles: NODE_ITEM + BOB_ITEM }) }),
      { severity: 'blocker', symptom: 'unauthorized', isGrantFix: true, evidence: 'mapRoles line 6' },
    ],
    [
      'eks-access grants through aws-auth',
      withMethod(healthy('API', { accessEntry: noEntry() }), 'aws-auth'),
      { severity: 'blocker', command: `--principal-arn ${ROLE_ARN}` },
    ],
  ],
  'aws-auth-session-arn': [
    [
      'rolearn is the session ARN',
      onConfigMap({ mapRoles: NODE_ITEM + item(`rolearn: ${SESSION_ARN}`) }),
      {
        severity: 'blocker',
        symptom: 'unauthorized',
        command: `rolearn: ${ROLE_ARN_NO_PATH}`,
        evidence: 'mapRoles line 6',
      },
    ],
  ],
  'aws-auth-sso-path': [
    [
      'SSO role with the reserved path',
      sso(NODE_ITEM + item(`rolearn: ${SSO_ROLE}`)),
      { severity: 'blocker', symptom: 'unauthorized', command: `rolearn: arn:aws:iam::${ACCOUNT}:role/${SSO_SET}` },
    ],
    [
      'a plain role path is the other rule',
      onConfigMap({ mapRoles: NODE_ITEM + item(`rolearn: ${ROLE_ARN}`) }),
      undefined,
    ],
  ],
  'aws-auth-role-path': [
    [
      'rolearn with the /platform/ path',
      onConfigMap({ mapRoles: NODE_ITEM + item(`rolearn: ${ROLE_ARN}`) }),
      { severity: 'blocker', symptom: 'unauthorized', command: `rolearn: ${ROLE_ARN_NO_PATH}` },
    ],
    ['an SSO path is the other rule', sso(NODE_ITEM + item(`rolearn: ${SSO_ROLE}`)), undefined],
    [
      'the creator of a CONFIG_MAP cluster needs no item',
      onConfigMap(
        { mapRoles: NODE_ITEM + item(`rolearn: arn:aws:iam::${ACCOUNT}:role/ops/cluster-creator`) },
        { identity: creatorIdentity() },
      ),
      undefined,
    ],
    [
      'API_AND_CONFIG_MAP with an entry: aws-auth does not decide',
      healthy('API_AND_CONFIG_MAP', { awsAuth: awsAuth({ mapRoles: NODE_ITEM + item(`rolearn: ${ROLE_ARN}`) }) }),
      undefined,
    ],
  ],
  'aws-auth-near-miss': [
    [
      'role ARN under mapUsers',
      onConfigMap({ mapRoles: NODE_ITEM, mapUsers: item(`rolearn: ${ROLE_ARN_NO_PATH}`) }),
      {
        severity: 'blocker',
        symptom: 'unauthorized',
        evidence: 'mapUsers line 1',
        command: `rolearn: ${ROLE_ARN_NO_PATH}`,
      },
    ],
    [
      'same role in another account',
      onConfigMap({ mapRoles: NODE_ITEM + item('rolearn: arn:aws:iam::999999999999:role/bob-admin') }),
      { severity: 'blocker', evidence: 'another AWS account' },
    ],
  ],
  'aws-auth-wrong-case-key': [
    [
      'Bob is under "maproles"',
      onConfigMap({ mapRoles: NODE_ITEM, maproles: BOB_ITEM }),
      { severity: 'blocker', symptom: 'unauthorized', evidence: '"maproles" line 1 would map' },
    ],
    [
      'someone else under "MapUsers"',
      onConfigMap({
        mapRoles: NODE_ITEM + BOB_ITEM,
        MapUsers: item(`userarn: arn:aws:iam::${ACCOUNT}:user/alice`),
      }),
      { severity: 'warning', symptom: 'none', command: 'kubectl edit configmap aws-auth -n kube-system' },
    ],
  ],
  'aws-auth-folded-groups': [
    [
      'node item folded',
      onConfigMap({ mapRoles: FOLDED_NODE + BOB_ITEM }),
      {
        severity: 'urgent',
        symptom: 'forbidden',
        evidence: 'system:bootstrappers - system:nodes',
        command: '  groups:\n    - system:bootstrappers\n    - system:nodes',
      },
    ],
    [
      "Bob's item folded",
      onConfigMap({
        mapRoles: `${NODE_ITEM}${item(`rolearn: ${ROLE_ARN_NO_PATH}`, 'bob', ['a'])}     - b\n`,
      }),
      { severity: 'warning', symptom: 'forbidden' },
    ],
  ],
  'username-template': [
    [
      '{{SessionName}} on a mapUsers item: an IAM user has no session (gap 2)',
      onConfigMap(
        { mapRoles: NODE_ITEM, mapUsers: item(`userarn: ${ALICE}`, "'{{SessionName}}'") },
        {
          identity: { given: ALICE, source: 'mapped', mapped: ALICE, iamArn: ALICE },
          iam: known({ exists: true, arn: ALICE }),
        },
      ),
      { severity: 'warning', evidence: '{{SessionName}} is empty for a user caller', command: 'username: alice' },
    ],
    [
      '{{EC2PrivateDNSName}} for a person',
      onConfigMap({ mapRoles: NODE_ITEM + item(`rolearn: ${ROLE_ARN_NO_PATH}`, "'{{EC2PrivateDNSName}}'") }),
      { severity: 'blocker', symptom: 'unauthorized', command: 'username: bob-admin:{{SessionName}}' },
    ],
    [
      'unknown placeholder',
      onConfigMap({ mapRoles: NODE_ITEM + item(`rolearn: ${ROLE_ARN_NO_PATH}`, 'bob:{{SessionNme}}') }),
      { severity: 'warning', symptom: 'forbidden', evidence: '{{SessionNme}}' },
    ],
    [
      'a person using the node role',
      healthy('CONFIG_MAP', {
        identity: {
          given: `arn:aws:sts::${ACCOUNT}:assumed-role/eks-node-role/bob`,
          source: 'caller_identity',
          iamArn: NODE_ROLE_ARN,
        },
        iam: known({ exists: true, arn: NODE_ROLE_ARN, createDate: NOW - 400 * DAY }),
      }),
      { severity: 'blocker', isGrantFix: true, fix: 'node role' },
    ],
    [
      'instance session of the node role renders',
      healthy('CONFIG_MAP', {
        identity: {
          given: `arn:aws:sts::${ACCOUNT}:assumed-role/eks-node-role/i-0123456789abcdef0`,
          source: 'caller_identity',
        },
      }),
      undefined,
    ],
  ],
  'no-access': [
    [
      'no entry for the shared role a session signs in to',
      erin({ accessEntry: noEntry([CREATOR_ARN]) }),
      {
        severity: 'blocker',
        isGrantFix: true,
        evidence: `No session of ${DEV_ROLE} gets a Kubernetes username, yours (${ERIN}) included`,
      },
    ],
    ...(['API', 'API_AND_CONFIG_MAP'] as const).map(
      (mode): Case => [
        `${mode}: no entry`,
        unmapped(mode),
        {
          severity: 'blocker',
          symptom: 'unauthorized',
          isGrantFix: true,
          command: `aws eks create-access-entry --cluster-name prod-cluster --region eu-west-1 --principal-arn ${ROLE_ARN}`,
        },
      ],
    ),
    [
      'CONFIG_MAP: no aws-auth item',
      unmapped('CONFIG_MAP'),
      {
        severity: 'blocker',
        isGrantFix: true,
        command: `- rolearn: ${ROLE_ARN_NO_PATH}`,
        evidence: 'Cluster created by',
      },
    ],
    ['aws-auth unknown: no guess', unmapped('CONFIG_MAP', { awsAuth: unknown('403 from the API server') }), undefined],
    ['the creator of a CONFIG_MAP cluster', unmapped('CONFIG_MAP', { identity: creatorIdentity() }), undefined],
    ['a more precise cause wins', healthy('API', { accessEntry: noEntry([CREATOR_ARN, ROLE_ARN_NO_PATH]) }), undefined],
  ],
  'entry-without-permissions': [
    [
      'no policy, no group',
      healthy('API', { accessEntry: known(entryFacts({ policies: [] })) }),
      { severity: 'blocker', symptom: 'forbidden', isGrantFix: true, fix: 'Forbidden (403), not Unauthorized (401)' },
    ],
    [
      'groups but no policy: RBAC may grant',
      healthy('API', {
        accessEntry: known(entryFacts({ policies: [], entry: { ...entryFactsEntry(), kubernetesGroups: ['devs'] } })),
      }),
      undefined,
    ],
  ],
  'map-accounts-only': [
    [
      'account listed, no item',
      onConfigMap({ mapRoles: NODE_ITEM, mapAccounts: `- "${ACCOUNT}"\n` }),
      { severity: 'blocker', symptom: 'forbidden', isGrantFix: true, command: `- rolearn: ${ROLE_ARN_NO_PATH}` },
    ],
  ],
  'namespace-out-of-scope': [
    [
      'policy scoped to dev-* and staging, asked about prod',
      scoped(['dev-*', 'staging'], 'prod'),
      {
        severity: 'blocker',
        symptom: 'forbidden',
        isGrantFix: true,
        command: '--access-scope type=namespace,namespaces=dev-*,staging,prod',
      },
    ],
    ['with groups: RBAC may still grant', scoped(['staging'], 'prod', ['devs']), { severity: 'warning' }],
    ['wildcard covers dev-team', scoped(['dev-*'], 'dev-team'), undefined],
  ],
  'entry-overrides-aws-auth': [
    [
      'weaker entry wins over system:masters',
      healthy('API_AND_CONFIG_MAP', {
        awsAuth: awsAuth({ mapRoles: NODE_ITEM + item(`rolearn: ${ROLE_ARN_NO_PATH}`, 'bob', ['system:masters']) }),
      }),
      { severity: 'warning', symptom: 'forbidden', isGrantFix: true, command: 'AmazonEKSClusterAdminPolicy' },
    ],
    [
      'both present, aws-auth not stronger',
      healthy('API_AND_CONFIG_MAP', { awsAuth: awsAuth({ mapRoles: NODE_ITEM + BOB_ITEM }) }),
      { severity: 'warning', symptom: 'none', command: 'kubectl edit configmap aws-auth' },
    ],
  ],
  impersonation: [
    [
      '--as in use',
      healthy('API', { ask: { isImpersonating: true } }),
      { severity: 'warning', symptom: 'forbidden', command: 'kubectl auth whoami' },
    ],
  ],
  'recent-grant': [
    [
      'granted 30 s ago',
      healthy('API', { lastGrantAt: NOW - 30_000 }),
      { severity: 'info', symptom: 'transient', fix: 'about 2 minutes' },
    ],
    ['granted 5 min ago', healthy('API', { lastGrantAt: NOW - 5 * 60_000 }), undefined],
    ['a grant "in the future" (clock skew)', healthy('API', { lastGrantAt: NOW + 60_000 }), undefined],
  ],
  'identity-unverified': [
    [
      'checked the mapped principal',
      healthy('API', { identity: { given: ROLE_ARN, source: 'mapped', mapped: ROLE_ARN, iamArn: ROLE_ARN } }),
      { severity: 'info', command: 'aws sts get-caller-identity' },
    ],
  ],
  'facts-unknown': [
    [
      'aws-auth unreadable',
      healthy('API_AND_CONFIG_MAP', {
        awsAuth: unknown('the bot may not read aws-auth: 403 from the API server'),
      }),
      { severity: 'info', evidence: 'aws-auth: the bot may not read aws-auth: 403 from the API server' },
    ],
    [
      'cluster not described',
      healthy('API', { clusterInfo: unknown('DescribeCluster did not answer within 5 s') }),
      { severity: 'info', command: 'aws eks describe-cluster --name prod-cluster --region eu-west-1' },
    ],
    ['access entries on CONFIG_MAP are not missing facts', healthy('CONFIG_MAP'), undefined],
  ],
  'session-username': [
    ['the binding for her session username', erin(), undefined],
    [
      'a binding for the @ spelling of the session',
      erin({ rbac: rbac(binding('erin-view', [['User', `arn:aws:sts::${ACCOUNT}:assumed-role/${DEV_SET}/${ERIN}`]])) }),
      {
        severity: 'blocker',
        symptom: 'forbidden',
        evidence: `names User arn:aws:sts::${ACCOUNT}:assumed-role/${DEV_SET}/${ERIN}`,
        command: `--clusterrole=view --user='${ERIN_USERNAME}'`,
      },
    ],
    [
      'a binding for the bare email',
      erin({ rbac: rbac(binding('erin-edit', [['User', ERIN]], 'edit')) }),
      { severity: 'blocker', command: `--clusterrole=edit --user='${ERIN_USERNAME}'`, evidence: 'into -' },
    ],
    [
      'a fixed username strands the per-person binding',
      erin({ accessEntry: sessionEntry('dev-team') }),
      { severity: 'blocker', evidence: 'which this username never produces', command: 'update-access-entry' },
    ],
    [
      'a fixed username, bound as a group: works, for everyone',
      erin({ accessEntry: sessionEntry('dev-team', ['devs']), rbac: rbac(binding('devs', [['Group', 'devs']])) }),
      { severity: 'warning', evidence: 'like every other session of the role' },
    ],
    [
      'a role shared on purpose, nobody mapped to a session of it',
      onConfigMap({ mapRoles: NODE_ITEM + item(`rolearn: ${ROLE_ARN_NO_PATH}`, 'ci') }),
      undefined,
    ],
    [
      'aws-auth {{SessionName}}, bound with the raw session (@)',
      onConfigMap(
        { mapRoles: NODE_ITEM + item(`rolearn: ${ROLE_ARN_NO_PATH}`, 'sso:{{SessionName}}', []) },
        {
          identity: {
            given: `arn:aws:sts::${ACCOUNT}:assumed-role/bob-admin/bob@example.com`,
            source: 'mapped',
            mapped: ROLE_ARN,
            mappedSession: 'bob@example.com',
            iamArn: ROLE_ARN,
          },
          rbac: rbac(binding('bob', [['User', 'sso:bob@example.com']])),
        },
      ),
      {
        severity: 'blocker',
        command: "--user='sso:bob-example.com'",
        evidence: 'rendered for session bob@example.com as sso:bob-example.com',
      },
    ],
    [
      'a session template on aws-auth, bound as rendered',
      onConfigMap(
        { mapRoles: NODE_ITEM + item(`rolearn: ${ROLE_ARN_NO_PATH}`, 'sso:{{SessionName}}', []) },
        { rbac: rbac(binding('bob', [['User', 'sso:bob']])) },
      ),
      undefined,
    ],
  ],
  'rbac-unbound': [
    [
      'entry groups no binding names',
      healthy('API', { accessEntry: withGroups(['dev-team']), rbac: rbac(binding('other', [['Group', 'ops']])) }),
      {
        severity: 'blocker',
        symptom: 'forbidden',
        evidence: 'Bindings for group dev-team: none',
        command: `kubectl create clusterrolebinding eks-access-dev-team --clusterrole=view --group='dev-team'`,
      },
    ],
    [
      'aws-auth item group no binding names',
      healthy('CONFIG_MAP', { rbac: rbac() }),
      {
        severity: 'blocker',
        evidence: 'Bindings for group eks-access:view: none',
        command: "--group='eks-access:view'",
      },
    ],
    [
      'one of two groups bound',
      healthy('API', {
        accessEntry: withGroups(['dev-team', 'readers']),
        rbac: rbac(binding('r', [['Group', 'readers']])),
      }),
      { severity: 'warning', evidence: 'Bindings for group readers: ClusterRoleBinding r (ClusterRole/view)' },
    ],
    ['an access policy authorizes: no RBAC needed', healthy('API', { rbac: rbac() }), undefined],
    [
      'RBAC not read: no guess',
      healthy('CONFIG_MAP', { rbac: unknown('listing RBAC bindings failed: Kubernetes 403') }),
      undefined,
    ],
    [
      'system:masters is bound by the API server',
      healthy('API', { accessEntry: withGroups(['system:masters']), rbac: rbac() }),
      undefined,
    ],
    [
      'a session username nothing binds',
      erin({ rbac: rbac() }),
      {
        severity: 'blocker',
        evidence: `Bindings for user ${ERIN_USERNAME}: none`,
        command: `--user='${ERIN_USERNAME}'`,
      },
    ],
    [
      'group bound in one namespace',
      healthy('API', {
        accessEntry: withGroups(['dev-team']),
        rbac: rbac(binding('d', [['Group', 'dev-team']], 'edit', 'dev')),
      }),
      undefined,
    ],
  ],
  'grant-ended': [
    [
      'her grant expired and its binding is gone',
      erin({
        rbac: rbac(),
        endedGrant: { requestId: 'r-7', level: 'view', reason: 'expired', at: NOW - DAY, session: ERIN },
      }),
      {
        severity: 'blocker',
        isGrantFix: true,
        evidence: 'Request r-7: view for session erin@example.com, ended 2025-01-14T12:00:00Z (expired)',
      },
    ],
    [
      'revoked, and not mapped any more',
      unmapped('API', {
        endedGrant: { requestId: 'r-8', level: 'edit', reason: 'revoked', at: NOW - DAY, by: 'U0APPROVER' },
      }),
      { severity: 'blocker', evidence: 'revoked by U0APPROVER' },
    ],
    [
      'an ended grant, but a binding still authorizes',
      erin({ endedGrant: { requestId: 'r-7', level: 'view', reason: 'expired', at: NOW - DAY } }),
      undefined,
    ],
  ],
  'principal-changed': [
    [
      'CloudTrail: the entry was deleted',
      unmapped('API', {
        accessChanges: known({
          changes: [{ event: 'DeleteAccessEntry', by: ADMIN_BOB, at: NOW - DAY, principalArn: ROLE_ARN }],
        }),
      }),
      {
        severity: 'blocker',
        isGrantFix: true,
        evidence: `CloudTrail: DeleteAccessEntry for ${ROLE_ARN} by ${ADMIN_BOB} at 2025-01-14 12:00 UTC`,
      },
    ],
    [
      'CloudTrail: the policy was disassociated',
      healthy('API', {
        accessEntry: known(entryFacts({ policies: [] })),
        accessChanges: known({
          changes: [
            {
              event: 'DisassociateAccessPolicy',
              by: ADMIN_BOB,
              at: NOW - DAY,
              principalArn: ROLE_ARN,
              policyArn: VIEW_POLICY,
            },
          ],
        }),
      }),
      { severity: 'blocker', evidence: `DisassociateAccessPolicy for ${VIEW_POLICY} from ${ROLE_ARN}` },
    ],
    [
      'CloudTrail: updated, access intact',
      healthy('API', {
        accessChanges: known({
          changes: [
            { event: 'UpdateAccessEntry', by: ADMIN_BOB, at: NOW - DAY, principalArn: ROLE_ARN, detail: 'groups a' },
          ],
        }),
      }),
      { severity: 'info', evidence: '(groups a)' },
    ],
    [
      "another principal's change",
      unmapped('API', {
        accessChanges: known({
          changes: [{ event: 'DeleteAccessEntry', by: ADMIN_BOB, at: NOW - DAY, principalArn: CREATOR_ARN }],
        }),
      }),
      undefined,
    ],
    [
      'eks-access history: the aws-auth item was removed',
      unmapped('CONFIG_MAP', {
        awsAuthWrites: [
          { at: NOW - 2 * DAY, actor: 'eks-access', requestId: 'r-1', before: { mapRoles: NODE_ITEM } },
          { at: NOW - DAY, actor: 'eks-access', requestId: 'r-2', before: { mapRoles: NODE_ITEM + BOB_ITEM } },
        ],
      }),
      {
        severity: 'blocker',
        evidence: 'aws-auth write by eks-access (request r-2) at 2025-01-14 12:00 UTC removed the mapRoles item',
      },
    ],
    [
      'eks-access history: the item was only added',
      healthy('CONFIG_MAP', {
        awsAuthWrites: [{ at: NOW - DAY, actor: 'eks-access', requestId: 'r-1', before: { mapRoles: NODE_ITEM } }],
      }),
      undefined,
    ],
  ],
};

function noEntryFacts(all: readonly string[]) {
  const value = noEntry(all);
  if (!value.known) throw new Error('unreachable');
  return value.value;
}

function entryFactsEntry() {
  const { entry } = entryFacts();
  if (!entry) throw new Error('unreachable');
  return entry;
}

function creatorIdentity(): Evidence['identity'] {
  return { given: CREATOR_ARN, source: 'caller_identity', mapped: CREATOR_ARN, iamArn: CREATOR_ARN };
}

function withMethod(evidence: Evidence, method: 'access-entries' | 'aws-auth'): Evidence {
  return { ...evidence, cluster: { ...evidence.cluster, method } };
}

function scoped(namespaces: string[], asked: string, groups: string[] = []): Evidence {
  return healthy('API', {
    ask: { namespace: asked },
    accessEntry: known(
      entryFacts({
        policies: [{ policyArn: entryFacts().policies[0]?.policyArn ?? '', scope: { type: 'namespace', namespaces } }],
        entry: { ...entryFactsEntry(), kubernetesGroups: groups },
      }),
    ),
  });
}

describe.each(RULES.map(({ id, rule }) => [id, rule] as const))('rule %s', (id, rule) => {
  it.each(CASES[id])('%s', (_name, evidence, expected) => {
    const finding = rule(evidence);

    if (expected === undefined) {
      expect(finding).toBeUndefined();
      return;
    }
    expect(finding).toMatchObject({ rule: id, severity: expected.severity });
    if (expected.symptom === 'none') expect(finding?.symptom).toBeUndefined();
    else if (expected.symptom) expect(finding?.symptom).toBe(expected.symptom);
    if (expected.isGrantFix !== undefined) expect(finding?.isGrantFix === true).toBe(expected.isGrantFix);
    if (expected.command) expect(finding?.fixCommand).toContain(expected.command);
    if (expected.evidence) expect(finding?.evidence.join('\n')).toContain(expected.evidence);
    if (expected.fix) expect(finding?.fix).toContain(expected.fix);
  });

  it.each(MODES)('stays silent on healthy %s evidence', (mode) => {
    expect(rule(healthy(mode))).toBeUndefined();
  });

  it('has at least one case that fires', () => {
    expect(CASES[id].some(([, , expected]) => expected !== undefined)).toBe(true);
  });
});
