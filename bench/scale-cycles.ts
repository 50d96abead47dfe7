/**
 * The reconciler cycle at scale (issue 21, "Cost as the work grows"): the real worker (`eks-access worker`, its own
 * process) with N access-entry clusters configured and G active grants spread evenly over them, against the EKS
 * fake with no added latency; and the same with aws-auth clusters (CONFIG_MAP mode, one HTTPS Kubernetes API fake
 * per cluster holding the grants' mapRoles items). A cycle is one `reconcile` job, queued by the benchmark through the product's own
 * producer, exactly as the job scheduler queues it every EKS_ACCESS_RECONCILE_MS; the scheduler itself is set to
 * its longest interval so that only the benchmark's cycles run. Per cycle: the calls each fake recorded, the
 * worker's CPU from /proc (10 ms ticks, so it is averaged over several cycles), and the grants the drift check
 * covered (the job's own result). Redis memory: INFO used_memory after seeding, against the empty store.
 *
 * Grants are recorded as expiry.ts records them (request record, active index, delayed expiry job, the tagged
 * access entry with the view policy), all due in 12 hours, so no cycle ends one: the cycle measured is the steady
 * state, with nothing overdue and nothing drifted.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { CloudTrailFake } from '../sandbox/aws/cloudtrail.ts';
import { EksFake } from '../sandbox/aws/eks.ts';
import { sandboxAwsEnv } from '../sandbox/aws/endpoint-env.ts';
import { IamFake } from '../sandbox/aws/iam.ts';
import { StsFake } from '../sandbox/aws/sts.ts';
import type { FakeServer } from '../sandbox/fake-server.ts';
import { KubernetesApiFake } from '../sandbox/kubernetes/api-server.ts';
import { SlackWebApiFake } from '../sandbox/slack/web-api.ts';
import { JOB } from '../src/adapters/queue/jobs.ts';
import { createProducer, type Producer } from '../src/adapters/queue/producer.ts';
import { createRequestStore } from '../src/adapters/store/request-store.ts';
import { asChannelId, asPersonId, asPrincipalArn, asRequestId } from '../src/core/ids.ts';
import { planAwsAuthGrant } from '../src/core/plan/aws-auth-grant.ts';
import type { AccessRequest } from '../src/core/request/request.ts';
import { startRedisServer } from '../src/runtime/redis-server.ts';
import { BOT_KEY, type BotProcess, cpuMsOf, redisUsedBytes, spawnCli, waitFor } from './harness.ts';
import { seedVerifiedGrant, VIEW_POLICY } from './seed-grants.ts';

export type ClusterMethod = 'access-entries' | 'aws-auth';

export interface CycleOptions {
  clusters: readonly number[];
  grants: readonly number[];
  /** Cluster counts measured again with aws-auth clusters (same grant counts); empty for none. */
  awsAuthClusters: readonly number[];
  /**
   * aws-auth cells stop at this many grants: a sweep matches each grant against the whole ConfigMap (matchCaller
   * walks every item), so its CPU grows with grants × items, and 3,000 on one cluster ran for minutes.
   */
  awsAuthMaxGrants: number;
  /** Cycles measured per cell, after one unmeasured warm-up cycle. */
  cycles: number;
}

export interface CycleCell {
  method: ClusterMethod;
  clusters: number;
  grants: number;
  /** AWS calls (every AWS fake) per cycle, mean over the measured cycles, by operation. */
  callsByOp: Record<string, number>;
  awsCallsPerCycle: number;
  /** Kubernetes API calls per cycle (the aws-auth ConfigMap reads; none on access-entry clusters). */
  kubernetesCallsPerCycle: number;
  /** Active grants the drift check covered in one cycle (the job's `drift.checked`). */
  checkedPerCycle: number;
  /** Grants the cycles (warm-up included) found drifted or could not check: 0 in the steady state measured. */
  driftedOrFailed: number;
  /** Cycles until every active grant has been checked once, and the AWS calls that takes. */
  cyclesPerFullPass: number;
  awsCallsPerFullPass: number;
  workerCpuMsPerCycle: number;
  cycleWallMs: number;
  redisBytes: number;
  redisBytesPerGrant: number;
}

const ACCOUNT = '111122223333';
const SEED_BATCH = 200;
/** EKS_ACCESS_RECONCILE_MS's maximum: the scheduler stays out of the way of the benchmark's own cycles. */
const SCHEDULER_IDLE_MS = 3_600_000;

export function clusterName(clusters: number, i: number, method: ClusterMethod = 'access-entries'): string {
  return `scale-${method === 'aws-auth' ? 'a' : ''}${clusters}-${String(i).padStart(2, '0')}`;
}

/** The identity of the bot's key, as the Kubernetes fakes know it. */
const BOT_ARN = `arn:aws:iam::${ACCOUNT}:user/eks-access-bot`;

export async function measureCycles(options: CycleOptions): Promise<CycleCell[]> {
  const redisServer = await startRedisServer();
  const slack = await SlackWebApiFake.start();
  const eks = await EksFake.start();
  const sts = await StsFake.start();
  const iam = await IamFake.start();
  const cloudtrail = await CloudTrailFake.start();
  const aws: FakeServer[] = [eks, sts, iam, cloudtrail];
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const cells: CycleCell[] = [];
  const runs: [ClusterMethod, number][] = [
    ...options.clusters.map((n): [ClusterMethod, number] => ['access-entries', n]),
    ...options.awsAuthClusters.map((n): [ClusterMethod, number] => ['aws-auth', n]),
  ];
  try {
    for (const [method, clusters] of runs) {
      const kubes = await addClusters(eks, method, clusters);
      await redis.flushall();
      const worker = await startWorker(method, clusters, redisServer.url, slack, { eks, sts, iam, cloudtrail });
      const prefix = '{bench-scale}';
      const producer = createProducer(redis, prefix);
      try {
        await waitForIdle(producer);
        const before = await redisUsedBytes(redis);
        let seeded = 0;
        const sizes = [...options.grants].sort((a, b) => a - b);
        for (const grants of method === 'aws-auth' ? sizes.filter((g) => g <= options.awsAuthMaxGrants) : sizes) {
          await seed({ redis, prefix, eks, kubes, method, clusters, from: seeded, to: grants });
          seeded = grants;
          const redisBytes = (await redisUsedBytes(redis)) - before;
          const warm = await runCycle(producer, `warm-${method}-${clusters}-${grants}`);
          const pid = worker.process.child.pid ?? 0;
          const callsBefore = aws.map((fake) => fake.calls.length);
          const kubeBefore = kubes.map((fake) => fake.calls.length);
          const cpuBefore = cpuMsOf(pid);
          const started = performance.now();
          let checked = 0;
          let troubled = warm.drifted + warm.failed;
          for (let c = 0; c < options.cycles; c++) {
            const outcome = await runCycle(producer, `cycle-${method}-${clusters}-${grants}-${c}`);
            checked += outcome.checked;
            troubled += outcome.drifted + outcome.failed;
          }
          const wallMs = performance.now() - started;
          const cpuMs = cpuMsOf(pid) - cpuBefore;
          const byOp: Record<string, number> = {};
          aws.forEach((fake, k) => {
            for (const call of fake.calls.slice(callsBefore[k])) byOp[call.op] = (byOp[call.op] ?? 0) + 1;
          });
          const kubeCalls = kubes.reduce((sum, fake, k) => sum + fake.calls.length - (kubeBefore[k] ?? 0), 0);
          const perCycle = (n: number) => Number((n / options.cycles).toFixed(1));
          const callsByOp = Object.fromEntries(Object.entries(byOp).map(([op, n]) => [op, perCycle(n)]));
          const awsCallsPerCycle = perCycle(Object.values(byOp).reduce((a, b) => a + b, 0));
          const checkedPerCycle = checked / options.cycles;
          const cyclesPerFullPass =
            checkedPerCycle > 0 ? Math.ceil(grants / checkedPerCycle) : Number.POSITIVE_INFINITY;
          cells.push({
            method,
            clusters,
            grants,
            callsByOp,
            awsCallsPerCycle,
            kubernetesCallsPerCycle: perCycle(kubeCalls),
            checkedPerCycle,
            driftedOrFailed: troubled,
            cyclesPerFullPass,
            awsCallsPerFullPass: Math.round(awsCallsPerCycle * cyclesPerFullPass),
            workerCpuMsPerCycle: perCycle(cpuMs),
            cycleWallMs: perCycle(wallMs),
            redisBytes,
            redisBytesPerGrant: Math.round(redisBytes / grants),
          });
        }
      } finally {
        await producer.close();
        if (process.env['BENCH_DEBUG']) console.log(worker.process.output().slice(-4000));
        await worker.process.kill('SIGTERM');
        rmSync(worker.dir, { recursive: true, force: true });
        await Promise.allSettled(kubes.map((kube) => kube.close()));
      }
    }
    return cells;
  } finally {
    await redis.quit();
    await Promise.allSettled([slack.close(), ...aws.map((fake) => fake.close())]);
    await redisServer.stop();
  }
}

/** The EKS clusters of a run; an aws-auth cluster also gets its own Kubernetes API fake (its endpoint and CA). */
async function addClusters(eks: EksFake, method: ClusterMethod, clusters: number): Promise<KubernetesApiFake[]> {
  const kubes: KubernetesApiFake[] = [];
  const createdAt = Date.now() - 30 * 86_400_000;
  for (let i = 0; i < clusters; i++) {
    const name = clusterName(clusters, i, method);
    if (method === 'access-entries') {
      eks.addCluster({ name, authenticationMode: 'API', createdAt });
      continue;
    }
    const kube = await KubernetesApiFake.start({
      clusterName: name,
      credentials: { [BOT_KEY.accessKeyId]: { ...BOT_KEY, arn: BOT_ARN } },
    });
    kubes.push(kube);
    eks.addCluster({
      name,
      authenticationMode: 'CONFIG_MAP',
      endpoint: kube.url,
      certificateAuthorityData: kube.caData,
      createdAt,
    });
  }
  return kubes;
}

async function startWorker(
  method: ClusterMethod,
  clusters: number,
  redisUrl: string,
  slack: SlackWebApiFake,
  fakes: Parameters<typeof sandboxAwsEnv>[0],
): Promise<{ process: BotProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-bench-scale-'));
  const configPath = join(dir, 'eks-access.yaml');
  const lines = ['clusters:'];
  for (let i = 0; i < clusters; i++) {
    lines.push(
      `  - name: ${clusterName(clusters, i, method)}`,
      '    region: us-east-1',
      `    method: ${method}`,
      `    accountId: "${ACCOUNT}"`,
      '    approvers: [U0APPROVER1]',
    );
  }
  writeFileSync(configPath, `${lines.join('\n')}\n`);
  const worker = spawnCli(['worker'], {
    PATH: process.env['PATH'],
    HOME: dir,
    NODE_ENV: 'production',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redisUrl,
    EKS_ACCESS_CONFIG: configPath,
    EKS_ACCESS_REDIS_PREFIX: '{bench-scale}',
    EKS_ACCESS_RECONCILE_MS: String(SCHEDULER_IDLE_MS),
    ...sandboxAwsEnv(fakes, BOT_KEY),
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    LOG_LEVEL: 'warn',
  });
  return { process: worker, dir };
}

/** The worker is up and its start-up reconcile (the scheduler runs one at once) has finished. */
async function waitForIdle(producer: Producer): Promise<void> {
  await waitFor(
    async () => {
      const counts = await producer.queue.getJobCounts('active', 'waiting', 'prioritized', 'completed');
      return (counts['completed'] ?? 0) > 0 && counts['active'] === 0 && counts['waiting'] === 0;
    },
    { timeoutMs: 60_000, intervalMs: 50, what: 'the worker to finish its start-up reconcile' },
  );
}

interface CycleOutcome {
  checked: number;
  drifted: number;
  failed: number;
}

/** Queues one reconcile job and waits for it; returns what its drift check covered and found. */
async function runCycle(producer: Producer, id: string): Promise<CycleOutcome> {
  await producer.queue.add(JOB.reconcile, {}, { jobId: id, removeOnComplete: 100, removeOnFail: 100 });
  const outcome: CycleOutcome = { checked: 0, drifted: 0, failed: 0 };
  await waitFor(
    async () => {
      const job = await producer.queue.getJob(id);
      if (job?.failedReason) throw new Error(`reconcile ${id} failed: ${job.failedReason}`);
      if (!job?.finishedOn) return false;
      const drift = (job.returnvalue as { drift?: Partial<CycleOutcome> } | undefined)?.drift;
      outcome.checked = drift?.checked ?? 0;
      outcome.drifted = drift?.drifted ?? 0;
      outcome.failed = drift?.failed ?? 0;
      return true;
    },
    { timeoutMs: 300_000, intervalMs: 5, what: `reconcile job ${id}` },
  );
  return outcome;
}

interface SeedInput {
  redis: Redis;
  prefix: string;
  eks: EksFake;
  /** The aws-auth clusters' API fakes, in cluster order (empty for access-entry clusters). */
  kubes: readonly KubernetesApiFake[];
  method: ClusterMethod;
  clusters: number;
  from: number;
  to: number;
}

/**
 * Records grants [from, to) round-robin over the clusters, as a verified grant is recorded: on an access-entry
 * cluster the tagged entry with the view policy, on an aws-auth cluster the grant's mapRoles item (the one the
 * product plans) in the cluster's ConfigMap.
 */
async function seed(input: SeedInput): Promise<void> {
  const { redis, prefix, eks, kubes, method, clusters, from, to } = input;
  const store = createRequestStore(redis, prefix);
  const producer = createProducer(redis, prefix);
  const now = Date.now();
  try {
    for (let start = from; start < to; start += SEED_BATCH) {
      const batch = Array.from({ length: Math.min(SEED_BATCH, to - start) }, (_, k) => start + k);
      await Promise.all(
        batch.map(async (i) => {
          const request = activeGrant(clusterName(clusters, i % clusters, method), i, now, undefined, method);
          await seedVerifiedGrant({ ...(method === 'access-entries' ? { eks } : {}), store, producer }, request);
        }),
      );
    }
  } finally {
    await producer.close();
  }
  if (method === 'aws-auth') {
    kubes.forEach((kube, c) => {
      const items: string[] = [];
      for (let i = c; i < to; i += clusters) {
        const plan = planAwsAuthGrant(activeGrant(kube.clusterName, i, now).principalArn, 'view', []);
        if ('refusal' in plan) throw new Error(plan.refusal);
        const { arn, username, groups } = plan.item;
        items.push(
          `- rolearn: ${arn}\n  username: ${username}\n  groups:\n${groups.map((g) => `    - ${g}\n`).join('')}`,
        );
      }
      kube.setConfigMap('kube-system', 'aws-auth', { mapRoles: items.join('') });
    });
  }
}

export function activeGrant(
  cluster: string,
  i: number,
  now: number,
  person?: string,
  method: ClusterMethod = 'access-entries',
): AccessRequest {
  const n = `${cluster.replace(/[^0-9]/g, '')}X${String(i).padStart(5, '0')}`;
  const user = asPersonId(person ?? `U0SCALE${n}`);
  const principalArn = asPrincipalArn(`arn:aws:iam::${ACCOUNT}:role/teams/bench/scale-${n}`);
  const expiresAt = now + 12 * 3_600_000;
  return {
    id: asRequestId(`RSCALE${n}`),
    version: 4,
    kind: 'grant',
    requester: user,
    subject: user,
    principalArn,
    cluster,
    level: 'view',
    namespaces: [],
    reason: 'benchmark: looking at pods for INC-1234',
    durationMs: expiresAt - now,
    status: 'granted',
    approvals: [{ by: asPersonId('U0APPROVER1'), at: now }],
    channel: asChannelId('C0GENERAL'),
    threadTs: `${Math.floor(now / 1000)}.${String(i).padStart(6, '0')}`,
    createdAt: now - i,
    updatedAt: now,
    preState: { hadEntryBefore: false, hadPolicyBefore: false },
    outcome: {
      principalArn,
      // As grant-aws-auth.ts records it: the groups mapped, no EKS policy.
      policyArn: method === 'aws-auth' ? 'aws-auth groups eks-access:view' : VIEW_POLICY,
      hadEntryBefore: false,
      hadPolicyBefore: false,
      verifiedAt: now,
      method,
      expiresAt,
    },
  };
}
