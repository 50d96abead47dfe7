import { DeleteAccessEntryCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudTrailFake } from '../../../sandbox/aws/cloudtrail.ts';
import { createClusterEvent } from '../../../sandbox/aws/cloudtrail-events.ts';
import { EksFake } from '../../../sandbox/aws/eks.ts';
import { IamFake } from '../../../sandbox/aws/iam.ts';
import { KubernetesApiFake } from '../../../sandbox/kubernetes/api-server.ts';
import { createAwsClients } from '../../../src/adapters/aws/aws-clients.ts';
import { createDiagnosticsGateways } from '../../../src/adapters/aws/diagnostics-gateways.ts';
import { diagnose } from '../../../src/core/diagnose/diagnose.ts';
import type { AskFacts, IdentityFacts } from '../../../src/core/diagnose/evidence.ts';
import type { ClusterSettings } from '../../../src/core/settings.ts';
import { gatherEvidence } from '../../../src/usecases/diagnose/gather-evidence.ts';
import { setEnv } from '../sandbox/aws-env.ts';

const ACCOUNT = '111122223333';
const BOT_KEY = { accessKeyId: 'AKIADIAGNOSEBOT00001', secretAccessKey: 'diagnose-bot-secret' };
const BOT_ARN = `arn:aws:iam::${ACCOUNT}:role/eks-access-executor`;
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const DAY = 24 * 3600_000;
const ARN = {
  alice: `arn:aws:iam::${ACCOUNT}:user/alice`,
  bob: `arn:aws:iam::${ACCOUNT}:role/platform/bob-admin`,
  bobSession: `arn:aws:sts::${ACCOUNT}:assumed-role/bob-admin/bob`,
  carol: `arn:aws:iam::${ACCOUNT}:role/carol`,
  sso: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Dev_0123456789abcdef`,
  dave: `arn:aws:iam::${ACCOUNT}:user/dave`,
};

let eks: EksFake;
let iam: IamFake;
let cloudtrail: CloudTrailFake;
const kubes: KubernetesApiFake[] = [];
let restoreEnv: () => void;
let clients: ReturnType<typeof createAwsClients>;

beforeAll(async () => {
  iam = await IamFake.start();
  eks = await EksFake.start();
  // CloudTrail's 2 calls/s limit is exercised by its own tests and the benchmark; here every scenario is a new cluster.
  cloudtrail = await CloudTrailFake.start({ rateLimit: null });
  restoreEnv = setEnv({
    AWS_ENDPOINT_URL_EKS: eks.url,
    AWS_ENDPOINT_URL_IAM: iam.url,
    AWS_ENDPOINT_URL_CLOUDTRAIL: cloudtrail.url,
    AWS_ACCESS_KEY_ID: BOT_KEY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: BOT_KEY.secretAccessKey,
  });
  for (const arn of [ARN.alice, ARN.dave]) iam.addUser(arn, { createDate: Date.now() - 30 * DAY });
  for (const arn of [ARN.bob, ARN.carol, ARN.sso]) iam.addRole(arn, { createDate: Date.now() - 30 * DAY });
  clients = createAwsClients();
});

afterAll(async () => {
  clients.destroy();
  restoreEnv();
  await Promise.all([eks.close(), iam.close(), cloudtrail.close(), ...kubes.map((k) => k.close())]);
});

type Mode = 'API' | 'API_AND_CONFIG_MAP' | 'CONFIG_MAP';

interface World {
  cluster: string;
  kube: KubernetesApiFake;
}

let counter = 0;

/** A fresh cluster with its own Kubernetes API (the token is bound to the cluster name). */
async function cluster(mode: Mode, options: { createdAt?: number; creator?: string } = {}): Promise<World> {
  counter += 1;
  const name = `cluster-${counter}`;
  const kube = await KubernetesApiFake.start({
    clusterName: name,
    credentials: { [BOT_KEY.accessKeyId]: { ...BOT_KEY, arn: BOT_ARN } },
  });
  kubes.push(kube);
  const createdAt = options.createdAt ?? Date.now() - 10 * DAY;
  eks.addCluster({
    name,
    authenticationMode: mode,
    endpoint: kube.url,
    certificateAuthorityData: kube.caData,
    createdAt,
  });
  if (options.creator) {
    cloudtrail.addEvent(
      createClusterEvent({
        clusterName: name,
        region: 'us-east-1',
        accountId: ACCOUNT,
        eventTime: createdAt,
        userIdentity: { type: 'AssumedRole', roleArn: options.creator, sessionName: 'creator' },
      }),
    );
  }
  return { cluster: name, kube };
}

function settings(name: string): ClusterSettings {
  return {
    name,
    aliases: [],
    region: 'us-east-1',
    accountId: ACCOUNT,
    method: 'auto',
    approvers: ['U0A'],
    requiredApprovals: 1,
  };
}

async function run(world: World, identity: Omit<IdentityFacts, 'iamArn'>, ask: AskFacts = {}, lastGrantAt?: number) {
  const diagnostics = createDiagnosticsGateways(clients);
  const evidence = await gatherEvidence(
    { clock: { now: () => Date.now() }, diagnostics },
    { cluster: settings(world.cluster), identity, ask, ...(lastGrantAt !== undefined ? { lastGrantAt } : {}) },
  );
  return { evidence, diagnosis: diagnose(evidence) };
}

const mapped = (arn: string) => ({ given: arn, source: 'mapped' as const, mapped: arn });
const mapRoles = (lines: string) => ({ mapRoles: lines });

interface Scenario {
  name: string;
  arrange: () => Promise<{
    world: World;
    identity: Omit<IdentityFacts, 'iamArn'>;
    ask?: AskFacts;
    lastGrantAt?: number;
  }>;
  verdict: 'ok' | 'problem' | 'unknown';
  rule?: string;
  /** The rule's finding comes first (default for problems); false where a more basic cause rightly leads. */
  isTop?: boolean;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'healthy, API mode: entry with a view policy',
    arrange: async () => {
      const world = await cluster('API');
      eks.seedAccessEntry(world.cluster, { principalArn: ARN.alice, policies: [{ policyArn: VIEW }] });
      return { world, identity: mapped(ARN.alice) };
    },
    verdict: 'ok',
  },
  {
    name: 'healthy, API_AND_CONFIG_MAP: pathed role with an entry, seen through its session ARN',
    arrange: async () => {
      const world = await cluster('API_AND_CONFIG_MAP');
      eks.seedAccessEntry(world.cluster, { principalArn: ARN.bob, policies: [{ policyArn: VIEW }] });
      world.kube.setConfigMap('kube-system', 'aws-auth', mapRoles(''));
      return { world, identity: { given: ARN.bobSession, source: 'caller_identity', mapped: ARN.bob } };
    },
    verdict: 'ok',
  },
  {
    name: 'healthy, CONFIG_MAP: role mapped in aws-auth without its path',
    arrange: async () => {
      const world = await cluster('CONFIG_MAP');
      world.kube.setConfigMap(
        'kube-system',
        'aws-auth',
        mapRoles(`- rolearn: arn:aws:iam::${ACCOUNT}:role/bob-admin\n  username: bob\n  groups: [eks-access:view]\n`),
      );
      world.kube.addClusterRoleBinding('eks-access-view', 'view', [{ kind: 'Group', name: 'eks-access:view' }]);
      return { world, identity: mapped(ARN.bob) };
    },
    verdict: 'ok',
  },
  {
    name: 'signed in as another identity than the mapped one',
    arrange: async () => {
      const world = await cluster('API');
      eks.seedAccessEntry(world.cluster, { principalArn: ARN.alice, policies: [{ policyArn: VIEW }] });
      return { world, identity: { given: ARN.dave, source: 'caller_identity', mapped: ARN.alice } };
    },
    verdict: 'problem',
    rule: 'identity-mismatch',
  },
  {
    name: 'no access entry (API mode)',
    arrange: async () => ({ world: await cluster('API'), identity: mapped(ARN.dave) }),
    verdict: 'problem',
    rule: 'no-access',
  },
  {
    name: 'not in aws-auth (CONFIG_MAP mode)',
    arrange: async () => {
      const world = await cluster('CONFIG_MAP');
      world.kube.setConfigMap(
        'kube-system',
        'aws-auth',
        mapRoles(`- rolearn: arn:aws:iam::${ACCOUNT}:role/carol\n  username: carol\n  groups: [view]\n`),
      );
      return { world, identity: mapped(ARN.dave) };
    },
    verdict: 'problem',
    rule: 'no-access',
  },
  {
    name: 'access entry with no policy and no groups',
    arrange: async () => {
      const world = await cluster('API');
      eks.seedAccessEntry(world.cluster, { principalArn: ARN.alice });
      return { world, identity: mapped(ARN.alice) };
    },
    verdict: 'problem',
    rule: 'entry-without-permissions',
  },
  {
    name: 'aws-auth written with the assumed-role session ARN',
    arrange: async () => {
      const world = await cluster('CONFIG_MAP');
      world.kube.setConfigMap(
        'kube-system',
        'aws-auth',
        mapRoles(`- rolearn: ${ARN.bobSession}\n  username: bob\n  groups: [view]\n`),
      );
      return { world, identity: mapped(ARN.bob) };
    },
    verdict: 'problem',
    rule: 'aws-auth-session-arn',
  },
  {
    name: 'aws-auth role entry written with its path',
    arrange: async () => {
      const world = await cluster('CONFIG_MAP');
      world.kube.setConfigMap(
        'kube-system',
        'aws-auth',
        mapRoles(`- rolearn: ${ARN.bob}\n  username: bob\n  groups: [view]\n`),
      );
      return { world, identity: mapped(ARN.bob) };
    },
    verdict: 'problem',
    rule: 'aws-auth-role-path',
  },
  {
    name: 'SSO role entry with the reserved path',
    arrange: async () => {
      const world = await cluster('CONFIG_MAP');
      world.kube.setConfigMap(
        'kube-system',
        'aws-auth',
        mapRoles(`- rolearn: ${ARN.sso}\n  username: dev\n  groups: [view]\n`),
      );
      return { world, identity: mapped(ARN.sso) };
    },
    verdict: 'problem',
    rule: 'aws-auth-sso-path',
  },
  {
    name: 'access entry for the ARN in another case',
    arrange: async () => {
      const world = await cluster('API');
      eks.seedAccessEntry(world.cluster, {
        principalArn: ARN.alice.replace('alice', 'Alice'),
        policies: [{ policyArn: VIEW }],
      });
      return { world, identity: mapped(ARN.alice) };
    },
    verdict: 'problem',
    rule: 'arn-case-mismatch',
  },
  {
    name: 'aws-auth mapRoles does not parse: urgent',
    arrange: async () => {
      const world = await cluster('CONFIG_MAP');
      world.kube.setConfigMap('kube-system', 'aws-auth', mapRoles('- rolearn: x\n  groups: [unclosed\n'));
      return { world, identity: mapped(ARN.bob) };
    },
    verdict: 'problem',
    rule: 'aws-auth-unparseable',
  },
  {
    name: 'the creator now uses another identity',
    arrange: async () => {
      const world = await cluster('API', { creator: ARN.bob });
      return { world, identity: { given: ARN.dave, source: 'caller_identity', mapped: ARN.bob } };
    },
    verdict: 'problem',
    rule: 'creator-different-identity',
    isTop: false,
  },
  {
    name: 'cluster not ACTIVE',
    arrange: async () => {
      const world = await cluster('API');
      const described = eks.cluster(world.cluster);
      // The fake only models ACTIVE and UPDATING; a cluster still being created is the blocking case.
      if (described) Object.assign(described, { status: 'CREATING' });
      eks.seedAccessEntry(world.cluster, { principalArn: ARN.alice, policies: [{ policyArn: VIEW }] });
      return { world, identity: mapped(ARN.alice) };
    },
    verdict: 'problem',
    rule: 'cluster-not-active',
  },
  {
    name: 'cluster not found in the region',
    arrange: async () => {
      const world = await cluster('API');
      return { world: { ...world, cluster: 'no-such-cluster' }, identity: mapped(ARN.alice) };
    },
    verdict: 'problem',
    rule: 'cluster-not-found',
  },
  {
    name: 'policy scoped to another namespace',
    arrange: async () => {
      const world = await cluster('API');
      eks.seedAccessEntry(world.cluster, {
        principalArn: ARN.alice,
        policies: [{ policyArn: VIEW, accessScope: { type: 'namespace', namespaces: ['payments'] } }],
      });
      return { world, identity: mapped(ARN.alice), ask: { namespace: 'billing' } };
    },
    verdict: 'problem',
    rule: 'namespace-out-of-scope',
  },
  {
    name: 'IAM role re-created after its access entry',
    arrange: async () => {
      const world = await cluster('API');
      eks.seedAccessEntry(world.cluster, {
        principalArn: ARN.carol,
        policies: [{ policyArn: VIEW }],
        createdAt: Date.now() - 20 * DAY,
      });
      iam.removeRole('carol');
      iam.addRole(ARN.carol, { createDate: Date.now() - DAY });
      return { world, identity: mapped(ARN.carol) };
    },
    verdict: 'problem',
    rule: 'principal-recreated',
  },
  {
    name: 'mapped only through mapAccounts',
    arrange: async () => {
      const world = await cluster('CONFIG_MAP');
      world.kube.setConfigMap('kube-system', 'aws-auth', { mapAccounts: `- "${ACCOUNT}"\n` });
      return { world, identity: mapped(ARN.dave) };
    },
    verdict: 'problem',
    rule: 'map-accounts-only',
  },
  {
    name: 'username template that cannot render for a person',
    arrange: async () => {
      const world = await cluster('CONFIG_MAP');
      world.kube.setConfigMap(
        'kube-system',
        'aws-auth',
        mapRoles(
          `- rolearn: arn:aws:iam::${ACCOUNT}:role/carol\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [view]\n`,
        ),
      );
      return {
        world,
        identity: { given: `arn:aws:sts::${ACCOUNT}:assumed-role/carol/carol-laptop`, source: 'caller_identity' },
      };
    },
    verdict: 'problem',
    rule: 'username-template',
  },
  {
    name: 'granted seconds ago: wait and retry',
    arrange: async () => {
      const world = await cluster('API');
      eks.seedAccessEntry(world.cluster, { principalArn: ARN.alice, policies: [{ policyArn: VIEW }] });
      return { world, identity: mapped(ARN.alice), lastGrantAt: Date.now() - 30_000 };
    },
    verdict: 'ok',
    rule: 'recent-grant',
  },
  {
    name: 'kubectl --as: access policies do not apply',
    arrange: async () => {
      const world = await cluster('API');
      eks.seedAccessEntry(world.cluster, { principalArn: ARN.alice, policies: [{ policyArn: VIEW }] });
      return { world, identity: mapped(ARN.alice), ask: { isImpersonating: true } };
    },
    // The identity itself is fine; the warning explains the 403 that impersonated calls get.
    verdict: 'ok',
    rule: 'impersonation',
  },
  {
    name: 'a federated user cannot have an access entry',
    arrange: async () => ({
      world: await cluster('API'),
      identity: { given: `arn:aws:sts::${ACCOUNT}:federated-user/carol`, source: 'caller_identity' },
    }),
    verdict: 'problem',
    rule: 'unsupported-principal',
  },
  {
    name: 'the bot may not read aws-auth: reported as unknown, not guessed',
    arrange: async () => {
      const world = await cluster('CONFIG_MAP');
      world.kube.forbid(BOT_ARN);
      return { world, identity: mapped(ARN.bob) };
    },
    verdict: 'unknown',
  },
  {
    name: 'aws-auth maps a group no RoleBinding or ClusterRoleBinding names (issue 19, gap 1)',
    arrange: async () => {
      const world = await cluster('CONFIG_MAP');
      world.kube.setConfigMap('kube-system', 'aws-auth', {
        mapUsers: `- userarn: ${ARN.dave}\n  username: dave\n  groups: [dev-team]\n`,
      });
      world.kube.addClusterRoleBinding('ops-view', 'view', [{ kind: 'Group', name: 'ops' }]);
      return { world, identity: mapped(ARN.dave) };
    },
    verdict: 'problem',
    rule: 'rbac-unbound',
  },
  {
    name: 'an SSO session whose binding spells the session with @ (EKS renders it with -)',
    arrange: async () => {
      const world = await cluster('API');
      eks.seedAccessEntry(world.cluster, { principalArn: ARN.sso });
      world.kube.addClusterRoleBinding('erin-view', 'view', [
        {
          kind: 'User',
          name: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Dev_0123456789abcdef/erin@example.com`,
        },
      ]);
      const given = `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Dev_0123456789abcdef/erin@example.com`;
      return { world, identity: { given, source: 'mapped', mapped: ARN.sso, mappedSession: 'erin@example.com' } };
    },
    verdict: 'problem',
    rule: 'session-username',
  },
];

describe('diagnosis scenarios through the real SDK and Kubernetes clients', () => {
  it('covers at least 15 broken set-ups and a healthy cluster in each mode', () => {
    expect(SCENARIOS.filter((s) => s.rule && s.verdict !== 'ok').length).toBeGreaterThanOrEqual(15);
    expect(SCENARIOS.filter((s) => s.verdict === 'ok' && !s.rule)).toHaveLength(3);
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_, scenario) => {
    const { world, identity, ask, lastGrantAt } = await scenario.arrange();

    const { diagnosis } = await run(world, identity, ask, lastGrantAt);

    expect({ verdict: diagnosis.verdict, headline: diagnosis.headline }).toMatchObject({ verdict: scenario.verdict });
    if (scenario.rule) expect(diagnosis.findings.map((f) => f.rule)).toContain(scenario.rule);
    if (scenario.verdict === 'problem' && scenario.isTop !== false)
      expect(diagnosis.findings[0]?.rule).toBe(scenario.rule);
  });

  it('past CloudTrail’s 90 days, names the creator from the cluster-admin entry made at creation, and says so', async () => {
    const createdAt = Date.now() - 120 * DAY;
    const world = await cluster('API', { createdAt });
    eks.seedAccessEntry(world.cluster, {
      principalArn: ARN.bob,
      createdAt,
      policies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy' }],
    });
    const lookups = cloudtrail.lookups;

    // Bob's entry has a policy, so no "who changed it" look-up runs either: any LookupEvents would be the creator's.
    const { evidence } = await run(world, mapped(ARN.bob));

    expect(evidence.creator).toMatchObject({ known: true, value: { arn: ARN.bob, source: 'access-entry' } });
    expect(evidence.creator.known && evidence.creator.value.note).toContain('90 days');
    expect(cloudtrail.lookups).toBe(lookups);
  });

  it('says "Not checked" for who changed the entry when CloudTrail throttles, and still answers', async () => {
    const world = await cluster('API');
    cloudtrail.setRateLimit({ calls: 0, windowMs: 60_000 });
    try {
      const { evidence, diagnosis } = await run(world, mapped(ARN.alice));

      expect(evidence.accessChanges).toMatchObject({ known: false, failure: { upstream: 'ThrottlingException' } });
      expect(diagnosis.findings.find((f) => f.rule === 'facts-unknown')?.title).toContain(
        'who changed the access entry (CloudTrail)',
      );
      expect(diagnosis.findings[0]?.rule).toBe('no-access');
    } finally {
      cloudtrail.setRateLimit(null);
    }
  });

  it('names who deleted the entry from the CloudTrail event the EKS fake recorded', async () => {
    const world = await cluster('API');
    eks.seedAccessEntry(world.cluster, { principalArn: ARN.alice, policies: [{ policyArn: VIEW }] });
    cloudtrail.recordEksChanges(eks, () => ({
      type: 'AssumedRole',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/Admin`,
      sessionName: 'bob',
    }));
    const admin = new EKSClient({ region: 'us-east-1', credentials: BOT_KEY });
    await admin.send(new DeleteAccessEntryCommand({ clusterName: world.cluster, principalArn: ARN.alice }));
    admin.destroy();

    const { diagnosis } = await run(world, mapped(ARN.alice));

    expect(diagnosis.headline).toMatch(
      new RegExp(
        `^The access entry for ${ARN.alice} was deleted by arn:aws:sts::${ACCOUNT}:assumed-role/Admin/bob at `,
      ),
    );
  });

  it('reads aws-auth with a token the API server verified for that cluster', async () => {
    const world = await cluster('CONFIG_MAP');
    world.kube.setConfigMap('kube-system', 'aws-auth', mapRoles(''));

    await run(world, mapped(ARN.bob));

    expect(world.kube.rejections).toEqual([]);
    expect(world.kube.authenticated.map((a) => a.arn)).toContain(BOT_ARN);
  });
});
