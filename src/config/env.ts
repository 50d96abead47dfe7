import { hashTagOf, type RedisTopology, readRedisTopology } from './redis-topology.ts';

/** Process settings read once at start-up. AWS settings are left to the SDK's own chain. */
export interface Env {
  slackBotToken: string;
  slackSigningSecret: string;
  /** App-level token (xapp-…): Slack over Socket Mode instead of HTTP; the signing secret is then not needed. */
  slackAppToken: string | undefined;
  slackApiUrl: string | undefined;
  port: number;
  /** The `worker` role's own port for /healthz, /readyz and /metrics, so it never takes a web process's PORT. */
  workerPort: number;
  /**
   * METRICS_PORT: when set, /metrics is served on this port only (keep it off the public Slack port); unset, it is
   * served on PORT (web) or EKS_ACCESS_WORKER_PORT (worker) as before.
   */
  metricsPort: number | undefined;
  redisUrl: string | undefined;
  /** REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES (exactly one); absent only for `start` (private Redis). */
  redisTopology: RedisTopology | undefined;
  /**
   * REDIS_MIN_REPLICAS_ACKED: replicas that must hold what Slack sent before Slack is answered; absent: 1 when
   * the primary has a connected replica, else 0. With EKS_ACCESS_REPLICA_WAIT_MS, how long to wait for them.
   */
  replicaWait: { minReplicas?: number; timeoutMs: number };
  configPath: string;
  /** Key prefix for every Redis key and queue; braces keep a queue on one Redis Cluster slot. */
  redisPrefix: string;
  logLevel: string;
  worker: WorkerTuning;
}

export interface WorkerTuning {
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  /** How often the reconciler sweeps for overdue grants. */
  reconcileEveryMs: number;
  reminderLeadMs: number;
  /** First reminder to approvers who have not acted, after filing; each later one waits twice as long. */
  approverReminderBaseMs: number;
  /** The longest wait between two approver reminders. */
  approverReminderMaxMs: number;
  /** How long a request may sit in `approved`/`applying` without a live apply job before the reconciler re-drives it. */
  redriveAfterMs: number;
  /** When a grant still being retried tells the requester it is slow. */
  slowNoticeAfterMs: number;
  /** Policy approvals are announced to approvers as one digest per channel per window this long. */
  digestWindowMs: number;
  /** Slack posts per channel: one per this many ms on average (Slack allows about one per second)… */
  slackPostIntervalMs: number;
  /** …with bursts of this many; a post that would wait longer than `slackPostMaxWaitMs` goes back to the queue. */
  slackPostBurst: number;
  slackPostMaxWaitMs: number;
}

/** Missing or malformed settings, all at once, each with what it is for. */
export class EnvError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`eks-access cannot start; fix these environment variables:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
    this.problems = problems;
  }
}

const REQUIRED = {
  SLACK_BOT_TOKEN: 'the bot token (xoxb-…) from your Slack app’s OAuth & Permissions page',
  SLACK_SIGNING_SECRET: 'the signing secret from your Slack app’s Basic Information page, used to verify requests',
} as const;

export type Role = 'start' | 'web' | 'worker';

export function readEnv(role: Role, env: NodeJS.ProcessEnv = process.env): Env {
  const problems: string[] = [];
  // The worker never verifies Slack requests, so it can run without the signing secret.
  // Socket Mode payloads carry no signature (the app token authenticates the socket), so no signing secret either.
  const slackAppToken = env['SLACK_APP_TOKEN']?.trim() || undefined;
  const required =
    role === 'worker' || slackAppToken
      ? (['SLACK_BOT_TOKEN'] as const)
      : (Object.keys(REQUIRED) as (keyof typeof REQUIRED)[]);
  if (slackAppToken && !slackAppToken.startsWith('xapp-')) {
    problems.push('SLACK_APP_TOKEN must be an app-level token (xapp-…) with the connections:write scope');
  }
  for (const name of required) {
    if (!env[name]?.trim()) problems.push(`${name} is missing: ${REQUIRED[name]}`);
  }
  const redisTopology = readRedisTopology(env, problems);
  if (role !== 'start' && !redisTopology && !problems.some((p) => p.includes('REDIS_URL'))) {
    problems.push(
      'REDIS_URL is missing: the Redis shared by every web and worker process (redis://host:6379; or REDIS_SENTINELS with REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES)',
    );
  }
  const redisPrefix = env['EKS_ACCESS_REDIS_PREFIX']?.trim() || '{eks-access}';
  if (redisTopology?.kind === 'cluster' && !hashTagOf(redisPrefix)) {
    problems.push(
      `EKS_ACCESS_REDIS_PREFIX must carry a hash tag in braces with REDIS_CLUSTER_NODES (e.g. "{${redisPrefix}}"): every key and queue script must stay in one cluster slot; got "${redisPrefix}"`,
    );
  }
  const port = intSetting(env, 'PORT', 3000, problems, 'the HTTP port for Slack requests and /healthz', 0, 65535);
  const workerPort = intSetting(
    env,
    'EKS_ACCESS_WORKER_PORT',
    3001,
    problems,
    "the worker role's port for /healthz, /readyz and /metrics",
    0,
    65535,
  );
  const metricsPort = env['METRICS_PORT']?.trim()
    ? intSetting(env, 'METRICS_PORT', 0, problems, 'the port that alone serves /metrics', 1, 65535)
    : undefined;
  const sharedWith = role === 'worker' ? ['EKS_ACCESS_WORKER_PORT', workerPort] : ['PORT', port];
  if (metricsPort !== undefined && metricsPort === sharedWith[1]) {
    problems.push(`METRICS_PORT must differ from ${sharedWith[0]} (${metricsPort}): it moves /metrics off that port`);
  }
  const worker: WorkerTuning = {
    // Jobs mostly wait on AWS and Slack, so a worker runs many at once; AWS throttling is retried with backoff.
    concurrency: intSetting(env, 'EKS_ACCESS_WORKER_CONCURRENCY', 50, problems, 'jobs run at once per worker', 1, 200),
    // A SIGKILLed worker's job waits for its lock to expire and the next stalled check: 10 s + 4 s, so another
    // worker resumes it within 15 s. Locks are renewed every 5 s; a worker whose event loop stalls longer may lose
    // one, and the job then runs twice, which every step tolerates (tokens, compare-and-set, one aws-auth writer).
    lockDurationMs: intSetting(env, 'EKS_ACCESS_LOCK_MS', 10_000, problems, 'BullMQ job lock duration', 500, 600_000),
    stalledIntervalMs: intSetting(
      env,
      'EKS_ACCESS_STALLED_INTERVAL_MS',
      4_000,
      problems,
      'stall check interval',
      200,
      600_000,
    ),
    maxStalledCount: intSetting(env, 'EKS_ACCESS_MAX_STALLED', 20, problems, 'stalls tolerated per job', 1, 1000),
    reminderLeadMs: intSetting(
      env,
      'EKS_ACCESS_REMINDER_LEAD_MS',
      15 * 60_000,
      problems,
      'reminder before expiry',
      1_000,
      86_400_000,
    ),
    approverReminderBaseMs: intSetting(
      env,
      'EKS_ACCESS_APPROVER_REMINDER_MS',
      3_600_000,
      problems,
      'first reminder to approvers',
      1_000,
      7 * 86_400_000,
    ),
    approverReminderMaxMs: intSetting(
      env,
      'EKS_ACCESS_APPROVER_REMINDER_MAX_MS',
      8 * 3_600_000,
      problems,
      'longest gap between approver reminders',
      1_000,
      7 * 86_400_000,
    ),
    redriveAfterMs: intSetting(
      env,
      'EKS_ACCESS_REDRIVE_AFTER_MS',
      120_000,
      problems,
      'age of a stuck approved/applying request the reconciler re-drives',
      1_000,
      86_400_000,
    ),
    slowNoticeAfterMs: intSetting(
      env,
      'EKS_ACCESS_SLOW_NOTICE_MS',
      30_000,
      problems,
      'time from approval before a grant being retried gets a "still working" note',
      1_000,
      3_600_000,
    ),
    digestWindowMs: intSetting(
      env,
      'EKS_ACCESS_DIGEST_WINDOW_MS',
      30_000,
      problems,
      "window of the approvers' digest of policy approvals",
      100,
      3_600_000,
    ),
    slackPostIntervalMs: intSetting(
      env,
      'EKS_ACCESS_SLACK_POST_INTERVAL_MS',
      1_000,
      problems,
      'average gap between two Slack posts to one channel',
      0,
      60_000,
    ),
    slackPostBurst: intSetting(
      env,
      'EKS_ACCESS_SLACK_POST_BURST',
      3,
      problems,
      'Slack posts one channel may get at once',
      1,
      100,
    ),
    slackPostMaxWaitMs: intSetting(
      env,
      'EKS_ACCESS_SLACK_POST_MAX_WAIT_MS',
      5_000,
      problems,
      "longest a worker waits for a channel's posting slot before re-queueing the job",
      0,
      60_000,
    ),
    reconcileEveryMs: intSetting(
      env,
      'EKS_ACCESS_RECONCILE_MS',
      60_000,
      problems,
      'reconciler interval',
      1_000,
      3_600_000,
    ),
  };
  const slackApiUrl = env['SLACK_API_URL']?.trim() || undefined;
  if (slackApiUrl && !/^https?:\/\//.test(slackApiUrl)) {
    problems.push('SLACK_API_URL must be an http(s) URL (the Slack Web API base, e.g. https://slack.com/api/)');
  }
  const minReplicasRaw = env['REDIS_MIN_REPLICAS_ACKED']?.trim();
  const minReplicas = minReplicasRaw
    ? intSetting(
        env,
        'REDIS_MIN_REPLICAS_ACKED',
        0,
        problems,
        'replicas that must acknowledge before Slack is answered',
        0,
        16,
      )
    : undefined;
  const replicaWaitMs = intSetting(
    env,
    'EKS_ACCESS_REPLICA_WAIT_MS',
    500,
    problems,
    'wait for Redis replicas',
    10,
    10_000,
  );
  if (problems.length > 0) throw new EnvError(problems);
  return {
    replicaWait: { ...(minReplicas !== undefined ? { minReplicas } : {}), timeoutMs: replicaWaitMs },
    slackBotToken: env['SLACK_BOT_TOKEN'] ?? '',
    slackSigningSecret: env['SLACK_SIGNING_SECRET'] ?? '',
    slackAppToken,
    slackApiUrl: slackApiUrl && !slackApiUrl.endsWith('/') ? `${slackApiUrl}/` : slackApiUrl,
    port,
    workerPort,
    metricsPort,
    redisUrl: redisTopology?.kind === 'url' ? redisTopology.url : undefined,
    redisTopology,
    configPath: env['EKS_ACCESS_CONFIG']?.trim() || './eks-access.yaml',
    redisPrefix,
    logLevel: env['LOG_LEVEL']?.trim() || 'info',
    worker,
  };
}

function intSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  problems: string[],
  purpose: string,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max} (${purpose}); got "${raw}"`);
    return fallback;
  }
  return value;
}
