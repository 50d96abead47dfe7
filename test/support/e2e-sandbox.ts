import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { CloudTrailFake } from '../../sandbox/aws/cloudtrail.ts';
import { createClusterEvent } from '../../sandbox/aws/cloudtrail-events.ts';
import { EksFake } from '../../sandbox/aws/eks.ts';
import { sandboxAwsEnv } from '../../sandbox/aws/endpoint-env.ts';
import { IamFake } from '../../sandbox/aws/iam.ts';
import { StsFake } from '../../sandbox/aws/sts.ts';
import { KubernetesApiFake } from '../../sandbox/kubernetes/api-server.ts';
import {
  appMentionEvent,
  blockActions,
  directMessageEvent,
  eventCallback,
  slashCommand,
  viewSubmission,
} from '../../sandbox/slack/payloads.ts';
import { type SendSlackRequestOptions, sendSlackRequest } from '../../sandbox/slack/sign.ts';
import { SlackWebApiFake } from '../../sandbox/slack/web-api.ts';
import { QUEUE_NAME } from '../../src/adapters/queue/jobs.ts';
import { createAuditLog } from '../../src/adapters/store/audit-log.ts';
import { createRequestStore } from '../../src/adapters/store/request-store.ts';
import { asRequestId } from '../../src/core/ids.ts';
import type { AccessRequest } from '../../src/core/request/request.ts';
import { freePort } from './free-port.ts';

export const SIGNING_SECRET = 'e2e-signing-secret-not-real';
export const EXECUTOR_ROLE = 'arn:aws:iam::111122223333:role/eks-access-executor';
export const CREATOR_ROLE = 'arn:aws:iam::111122223333:role/platform/cluster-creator';
export const APPROVAL_CHANNEL = 'C0APPROVALS';
export const PEOPLE = {
  alice: 'U0ALICE',
  bob: 'U0BOB',
  carol: 'U0CAROL',
  dave: 'U0DAVE',
  erin: 'U0ERIN',
  approver1: 'U0APPROVER1',
  approver2: 'U0APPROVER2',
  stranger: 'U0STRANGER',
  creator: 'U0CREATOR',
} as const;
export const ARNS = {
  alice: 'arn:aws:iam::111122223333:user/alice',
  bob: 'arn:aws:iam::111122223333:role/platform/bob-admin',
  carolSession: 'arn:aws:sts::111122223333:assumed-role/carol-role/carol',
  carolRole: 'arn:aws:iam::111122223333:role/teams/data/carol-role',
  dave: 'arn:aws:iam::111122223333:user/dave',
  erin: 'arn:aws:iam::111122223333:user/erin',
} as const;

const CONFIG = `
clusters:
  - name: prod-cluster
    aliases: [prod]
    region: us-east-1
    accountId: "111122223333"
    roleArn: ${EXECUTOR_ROLE}
    method: access-entries
    approvers: [${PEOPLE.approver1}, ${PEOPLE.approver2}]
    requiredApprovals: 1
    approvalChannel: ${APPROVAL_CHANNEL}
  - name: staging
    aliases: [stg]
    region: eu-west-1
    accountId: "111122223333"
    approvers: [${PEOPLE.approver1}]
__STAGING_EXTRA____PARTITION_CLUSTERS__  - name: legacy-cluster
    region: us-east-1
    accountId: "111122223333"
    approvers: [${PEOPLE.approver1}, ${PEOPLE.approver2}]
    approvalChannel: ${APPROVAL_CHANNEL}
  - name: old-cluster
    region: us-east-1
    accountId: "111122223333"
    method: auto
    approvers: [${PEOPLE.approver1}, ${PEOPLE.approver2}]
    approvalChannel: ${APPROVAL_CHANNEL}
users:
  ${PEOPLE.alice}: ${ARNS.alice}
  ${PEOPLE.bob}: ${ARNS.bob}
  ${PEOPLE.carol}: ${ARNS.carolSession}
  ${PEOPLE.dave}: ${ARNS.dave}
  ${PEOPLE.erin}: ${ARNS.erin}
  ${PEOPLE.approver1}: arn:aws:iam::111122223333:user/approver1
  ${PEOPLE.creator}: ${CREATOR_ROLE}
__USERS_EXTRA__`;

function partitionOf(name: ClusterName | PartitionClusterName): string {
  if (name.startsWith('cn-')) return 'aws-cn';
  return name.startsWith('gov-') ? 'aws-us-gov' : 'aws';
}

/** The credentials the bot process signs with when a cluster has no executor role. */
export const BOT_KEY = { accessKeyId: 'AKIAE2ETESTKEY000001', secretAccessKey: 'e2e-secret-access-key-not-real' };
export const BOT_ARN = 'arn:aws:iam::111122223333:user/eks-access-bot';
const CLUSTERS = ['prod-cluster', 'staging', 'legacy-cluster', 'old-cluster'] as const;
type ClusterName = (typeof CLUSTERS)[number];
/** China and GovCloud clusters, added with `partitions: true`: their tokens, ARNs and policies differ. */
const PARTITION_CLUSTERS = ['cn-prod', 'cn-legacy', 'gov-prod'] as const;
type PartitionClusterName = (typeof PARTITION_CLUSTERS)[number];
const REGIONS: Record<ClusterName | PartitionClusterName, string> = {
  'prod-cluster': 'us-east-1',
  staging: 'eu-west-1',
  'legacy-cluster': 'us-east-1',
  'old-cluster': 'us-east-1',
  'cn-prod': 'cn-north-1',
  'cn-legacy': 'cn-northwest-1',
  'gov-prod': 'us-gov-west-1',
};
const CONFIG_MAP_CLUSTERS: ReadonlySet<string> = new Set(['legacy-cluster', 'old-cluster', 'cn-legacy']);
const PARTITION_CONFIG = PARTITION_CLUSTERS.map(
  (name) => `  - name: ${name}
    region: ${REGIONS[name]}
    accountId: "111122223333"
${name === 'cn-legacy' ? '    method: auto\n' : ''}    approvers: [${PEOPLE.approver1}]
`,
).join('');

export interface E2eSandbox {
  slack: SlackWebApiFake;
  eks: EksFake;
  sts: StsFake;
  iam: IamFake;
  cloudtrail: CloudTrailFake;
  kube: Record<ClusterName, KubernetesApiFake> & Partial<Record<PartitionClusterName, KubernetesApiFake>>;
  redis: Redis;
  prefix: string;
  port: number;
  /** The environment for the bot process: only env, as in production. */
  env: NodeJS.ProcessEnv;
  request(id: string): Promise<AccessRequest | undefined>;
  auditEvents(): ReturnType<ReturnType<typeof createAuditLog>['read']>;
  /** Jobs ever stored in the bot's queue and still kept (any state). */
  jobCount(): Promise<number>;
  mention(user: string, text: string, options?: SendOptions): Promise<{ status: number; eventId: string; ts: string }>;
  dm(user: string, text: string, options?: SendOptions): Promise<{ status: number; eventId: string; ts: string }>;
  command(
    user: string,
    text: string,
    options?: Partial<SendSlackRequestOptions>,
  ): Promise<{ status: number; body: string }>;
  click(
    user: string,
    action: 'approve' | 'deny',
    card: { channel: string; ts: string; value: string },
    options?: Partial<SendSlackRequestOptions> & { port?: number },
  ): Promise<{ status: number }>;
  /** Clicks a button (Diagnose, Request access) on a message the bot posted. */
  clickButton(
    user: string,
    actionId: string,
    value: string,
    on: { channel: string; ts: string; threadTs?: string | undefined },
  ): Promise<{ status: number }>;
  /** Submits a modal the bot opened (`views.open`), with what the person typed: block_id → action_id → text. */
  submitView(
    user: string,
    view: Record<string, unknown>,
    values: Record<string, Record<string, string>>,
  ): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

interface SendOptions extends Partial<SendSlackRequestOptions> {
  /** Another web process's PORT (several `eks-access web` on one Redis); default the sandbox's own. */
  port?: number;
  eventId?: string;
  /** The message's own ts; a redelivery sends the same event_id and ts again. */
  ts?: string;
  channel?: string;
  threadTs?: string;
}

/** Every fake the bot talks to, a private key prefix in the test Redis, and the env that points the bot at them. */
export interface SandboxOptions {
  /** Extra YAML lines for the staging cluster (indented four spaces), e.g. short `durations` for expiry tests. */
  stagingExtra?: string;
  /** Extra `users` lines (indented two spaces), e.g. people mapped to node or admin roles. */
  usersExtra?: string;
  /** A Redis of the test's own (e.g. one it kills and restarts); default the run's shared private Redis. */
  redisUrl?: string;
  /** Extra top-level YAML lines (not indented), e.g. `requestForOthers: [U0CAROL]`. */
  topLevelExtra?: string;
  /** Adds cn-prod (cn-north-1), cn-legacy (cn-northwest-1, CONFIG_MAP) and gov-prod (us-gov-west-1). */
  partitions?: boolean;
}

export async function startE2eSandbox(options: SandboxOptions = {}): Promise<E2eSandbox> {
  const slack = await SlackWebApiFake.start();
  const iam = await IamFake.start();
  const eks = await EksFake.start({ validatePrincipal: iam.principalValidator() });
  const sts = await StsFake.start({ allowedRoleArns: [EXECUTOR_ROLE] });
  iam.addRole(ARNS.bob);
  iam.addRole(ARNS.carolRole);
  iam.addRole(EXECUTOR_ROLE);
  iam.addRole(CREATOR_ROLE);
  for (const user of [ARNS.alice, ARNS.dave, ARNS.erin, 'arn:aws:iam::111122223333:user/approver1']) iam.addUser(user);
  const cloudtrail = await CloudTrailFake.start();
  // Keys the STS fake issues inside the bot process are looked up there, so the API servers can verify tokens.
  const credentialSource = (accessKeyId: string) => {
    const issued = sts.issued().find((c) => c.accessKeyId === accessKeyId);
    return issued
      ? { secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken, arn: issued.identity.arn }
      : undefined;
  };
  const clusters = options.partitions ? [...CLUSTERS, ...PARTITION_CLUSTERS] : CLUSTERS;
  const kubeEntries = await Promise.all(
    clusters.map(async (name) => {
      const kube = await KubernetesApiFake.start({
        clusterName: name,
        region: REGIONS[name],
        credentials: { [BOT_KEY.accessKeyId]: { ...BOT_KEY, arn: BOT_ARN } },
        credentialSource,
      });
      return [name, kube] as const;
    }),
  );
  const kube = Object.fromEntries(kubeEntries) as E2eSandbox['kube'];
  const kubeOf = (name: ClusterName | PartitionClusterName): KubernetesApiFake => {
    const found = kube[name];
    if (!found) throw new Error(`no Kubernetes fake for ${name}`);
    return found;
  };
  const createdAt = Date.now() - 20 * 24 * 3600_000;
  for (const name of clusters) {
    eks.addCluster({
      name,
      region: REGIONS[name],
      authenticationMode: CONFIG_MAP_CLUSTERS.has(name) ? 'CONFIG_MAP' : 'API_AND_CONFIG_MAP',
      endpoint: kubeOf(name).url,
      certificateAuthorityData: kubeOf(name).caData,
      createdAt,
    });
    cloudtrail.addEvent(
      createClusterEvent({
        clusterName: name,
        region: REGIONS[name],
        accountId: '111122223333',
        eventTime: createdAt,
        // Bob created old-cluster (the creator-safety scenarios); a dedicated role created the others.
        userIdentity: {
          type: 'AssumedRole',
          roleArn: name === 'old-cluster' ? ARNS.bob : CREATOR_ROLE.replace(':aws:', `:${partitionOf(name)}:`),
          sessionName: 'creator',
        },
      }),
    );
  }
  const nodeRole =
    '- rolearn: arn:aws:iam::111122223333:role/eks-node-role\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n';
  kube['prod-cluster'].setConfigMap('kube-system', 'aws-auth', { mapRoles: nodeRole });
  kube.staging.setConfigMap('kube-system', 'aws-auth', { mapRoles: nodeRole });
  kube['cn-legacy']?.setConfigMap('kube-system', 'aws-auth', { mapRoles: nodeRole.replace(':aws:', ':aws-cn:') });
  kube['old-cluster'].setConfigMap('kube-system', 'aws-auth', {
    mapRoles: `${nodeRole}- rolearn: arn:aws:iam::111122223333:role/ops-admin\n  username: ops-admin\n  groups:\n    - system:masters\n`,
    mapAccounts: '- "444455556666"\n',
  });
  // The classic mistake: a role written with its IAM path, which the authenticator never matches.
  kube['legacy-cluster'].setConfigMap('kube-system', 'aws-auth', {
    mapRoles: `${nodeRole}- rolearn: ${ARNS.carolRole}\n  username: carol\n  groups:\n    - eks-access:view\n`,
  });

  const dir = mkdtempSync(join(tmpdir(), 'eks-access-e2e-'));
  const configPath = join(dir, 'eks-access.yaml');
  writeFileSync(
    configPath,
    CONFIG.replace('__STAGING_EXTRA__', options.stagingExtra ?? '')
      .replace('__USERS_EXTRA__', options.usersExtra ?? '')
      .replace('__PARTITION_CLUSTERS__', options.partitions ? PARTITION_CONFIG : '') + (options.topLevelExtra ?? ''),
  );
  const redisUrl = options.redisUrl ?? inject('redisUrl');
  const prefix = `{e2e-${randomUUID().slice(0, 8)}}`;
  const port = await freePort();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  // Fault tests stop this Redis on purpose; the client reconnects, and the test asserts what matters.
  redis.on('error', () => {});
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: dir,
    NODE_ENV: 'test',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    REDIS_URL: redisUrl,
    EKS_ACCESS_CONFIG: configPath,
    EKS_ACCESS_REDIS_PREFIX: prefix,
    EKS_ACCESS_LOCK_MS: '1500',
    EKS_ACCESS_STALLED_INTERVAL_MS: '500',
    // Every test posts into the same few channels, so Slack's per-channel pacing is off here; the tests of the
    // posting budget (slack-budget, the Slack outage fault) set it back to Slack's one per second.
    EKS_ACCESS_SLACK_POST_INTERVAL_MS: '0',
    EKS_ACCESS_DIGEST_WINDOW_MS: '500',
    ...sandboxAwsEnv({ eks, sts, iam, cloudtrail }, BOT_KEY),
    LOG_LEVEL: 'info',
  };
  const urlFor = (to = port) => `http://127.0.0.1:${to}/slack/events`;
  const url = urlFor();
  const sign = (extra?: Partial<SendSlackRequestOptions>): SendSlackRequestOptions => ({
    secret: SIGNING_SECRET,
    ...extra,
  });
  const sendMessage = async (kind: 'mention' | 'dm', user: string, text: string, options: SendOptions = {}) => {
    const ts =
      options.ts ?? `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const channel = options.channel ?? (kind === 'dm' ? `D${user.slice(1)}` : 'C0GENERAL');
    const input = {
      user,
      channel,
      text: kind === 'mention' ? `<@${slack.botUserId}> ${text}` : text,
      ts,
      ...(options.threadTs ? { threadTs: options.threadTs } : {}),
    };
    const event = kind === 'mention' ? appMentionEvent(input) : directMessageEvent(input);
    slack.userPosted({ channel, ts, user, text: input.text });
    const built = eventCallback({ event, ...(options.eventId ? { eventId: options.eventId } : {}) });
    const result = await sendSlackRequest(urlFor(options.port), 'event', built.body, sign(options));
    return { status: result.status, eventId: String(built.payload['event_id']), ts };
  };
  return {
    slack,
    eks,
    sts,
    iam,
    cloudtrail,
    kube,
    redis,
    prefix,
    port,
    env,
    request: (id) => createRequestStore(redis, prefix).get(asRequestId(id)),
    auditEvents: () => createAuditLog(redis, prefix).read(),
    async jobCount() {
      const queue = new Queue(QUEUE_NAME, { connection: redis, prefix });
      const counts = await queue.getJobCounts();
      await queue.close();
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
    mention: (user, text, options) => sendMessage('mention', user, text, options),
    dm: (user, text, options) => sendMessage('dm', user, text, options),
    async command(user, text, options) {
      const built = slashCommand({ userId: user, channelId: 'C0GENERAL', text });
      const result = await sendSlackRequest(url, 'command', built.body, sign(options));
      return { status: result.status, body: result.body };
    },
    async click(user, action, card, options) {
      const built = blockActions({
        userId: user,
        actionId: action === 'approve' ? 'eks_access_approve' : 'eks_access_deny',
        value: card.value,
        channelId: card.channel,
        messageTs: card.ts,
      });
      const result = await sendSlackRequest(urlFor(options?.port), 'interaction', built.body, sign(options));
      return { status: result.status };
    },
    async clickButton(user, actionId, value, on) {
      const built = blockActions({ userId: user, actionId, value, channelId: on.channel, messageTs: on.ts });
      const payload = {
        ...built.payload,
        container: { ...(built.payload['container'] as object), ...(on.threadTs ? { thread_ts: on.threadTs } : {}) },
      };
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const result = await sendSlackRequest(url, 'interaction', body, sign());
      return { status: result.status };
    },
    async submitView(user, view, values) {
      const built = viewSubmission({ userId: user, view, values });
      const result = await sendSlackRequest(url, 'interaction', built.body, sign());
      return { status: result.status, body: result.body };
    },
    async close() {
      // Every fake answers a call it does not know with an error; here the test run sees it too.
      const unexpected = [slack, eks, sts, iam, cloudtrail, ...Object.values(kube)].flatMap((fake) =>
        fake.unexpected.map(
          (call) => `${call.method} ${call.path} (${call.op}${call.error ? `: ${call.error.split('\n')[0]}` : ''})`,
        ),
      );
      await redis.quit();
      await Promise.allSettled([
        slack.close(),
        eks.close(),
        sts.close(),
        iam.close(),
        cloudtrail.close(),
        ...Object.values(kube).map((k) => k.close()),
      ]);
      rmSync(dir, { recursive: true, force: true });
      if (unexpected.length > 0) throw new Error(`fakes saw unexpected calls:\n${unexpected.join('\n')}`);
    },
  };
}
