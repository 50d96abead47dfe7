/**
 * The demo's AWS account and Slack workspace on loopback: the same EKS, STS, IAM, CloudTrail, Kubernetes API and
 * Slack Web API fakes the tests use, seeded with prod-cluster (API_AND_CONFIG_MAP) and legacy-cluster (CONFIG_MAP,
 * an aws-auth with one classic mistake), the personas' IAM roles and a CloudTrail CreateCluster event per cluster.
 */
import { CloudTrailFake } from '../aws/cloudtrail.ts';
import { createClusterEvent } from '../aws/cloudtrail-events.ts';
import { EksFake } from '../aws/eks.ts';
import { sandboxAwsEnv } from '../aws/endpoint-env.ts';
import { IamFake } from '../aws/iam.ts';
import { StsFake } from '../aws/sts.ts';
import { KubernetesApiFake } from '../kubernetes/api-server.ts';
import { SlackWebApiFake } from '../slack/web-api.ts';
import {
  BOT_ARN,
  BOT_KEY,
  CI_ROLE,
  CLUSTERS,
  CREATOR_ROLE,
  DEMO_ACCOUNT,
  DEMO_REGION,
  LEGACY_AWS_AUTH,
  NODE_ROLE,
  PERSONAS,
  PROD_AWS_AUTH,
} from './personas.ts';

export interface SandboxWorld {
  slack: SlackWebApiFake;
  eks: EksFake;
  kube: Readonly<Record<string, KubernetesApiFake>>;
  /** What the bot process needs to reach the fakes: endpoints and dummy credentials, nothing else. */
  awsEnv: Record<string, string>;
  /** Calls a fake answered with an error because it does not model them: a gap in the sandbox, worth reporting. */
  unexpected(): string[];
  close(): Promise<void>;
}

const ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
const DAY_MS = 86_400_000;

export async function startSandboxWorld(now = Date.now()): Promise<SandboxWorld> {
  const slack = await SlackWebApiFake.start();
  const iam = await IamFake.start();
  const eks = await EksFake.start({ validatePrincipal: iam.principalValidator() });
  const sts = await StsFake.start();
  const cloudtrail = await CloudTrailFake.start();
  for (const arn of [...PERSONAS.map((p) => p.arn), CREATOR_ROLE, NODE_ROLE, CI_ROLE]) {
    iam.addRole(arn, { createDate: now - 200 * DAY_MS });
  }
  iam.addUser(BOT_ARN);
  for (const persona of PERSONAS) slack.addUser({ id: persona.slackId, name: persona.name });
  const createdAt = now - 40 * DAY_MS;
  const kube: Record<string, KubernetesApiFake> = {};
  for (const { name, mode } of CLUSTERS) {
    const api = await KubernetesApiFake.start({
      clusterName: name,
      region: DEMO_REGION,
      credentials: { [BOT_KEY.accessKeyId]: { ...BOT_KEY, arn: BOT_ARN } },
    });
    kube[name] = api;
    eks.addCluster({
      name,
      region: DEMO_REGION,
      accountId: DEMO_ACCOUNT,
      authenticationMode: mode,
      endpoint: api.url,
      certificateAuthorityData: api.caData,
      creatorPrincipalArn: CREATOR_ROLE,
      createdAt,
    });
    cloudtrail.addEvent(
      createClusterEvent({
        clusterName: name,
        region: DEMO_REGION,
        accountId: DEMO_ACCOUNT,
        eventTime: createdAt,
        userIdentity: { type: 'AssumedRole', roleArn: CREATOR_ROLE, sessionName: 'terraform' },
        authenticationMode: mode,
      }),
    );
  }
  seedClusters(eks, kube);
  const fakes = [slack, iam, eks, sts, cloudtrail, ...Object.values(kube)];
  return {
    slack,
    eks,
    kube,
    awsEnv: {
      ...sandboxAwsEnv({ eks, sts, iam, cloudtrail }, BOT_KEY, DEMO_REGION),
      // Any other AWS service the SDK might reach for goes to a closed loopback port, never to AWS.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    },
    unexpected: () =>
      fakes.flatMap((fake) => fake.unexpected.map((call) => `${call.method} ${call.path} (${call.op})`)),
    async close() {
      await Promise.allSettled(fakes.map((fake) => fake.close()));
    },
  };
}

/** Bob already administers prod through an access entry; both clusters' aws-auth maps their nodes. */
function seedClusters(eks: EksFake, kube: Record<string, KubernetesApiFake>): void {
  const bob = PERSONAS[1];
  if (bob) eks.seedAccessEntry('prod-cluster', { principalArn: bob.arn, policies: [{ policyArn: ADMIN_POLICY }] });
  kube['prod-cluster']?.setConfigMap('kube-system', 'aws-auth', PROD_AWS_AUTH);
  const legacy = kube['legacy-cluster'];
  legacy?.setConfigMap('kube-system', 'aws-auth', LEGACY_AWS_AUTH);
  legacy?.addClusterRoleBinding('developers-view', 'view', [{ kind: 'Group', name: 'developers' }]);
  legacy?.addClusterRoleBinding('deployers-edit', 'edit', [{ kind: 'Group', name: 'deployers' }]);
}
