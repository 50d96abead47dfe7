import type { Redis } from 'ioredis';
import { createAwsClients } from '../adapters/aws/aws-clients.ts';
import { createClusterGateways } from '../adapters/aws/cluster-gateways.ts';
import { createDiagnosticsGateways } from '../adapters/aws/diagnostics-gateways.ts';
import { createStsLinkVerifier } from '../adapters/aws/sts-link-verifier.ts';
import { createMetrics, type Metrics } from '../adapters/http/metrics.ts';
import { createAwsAuthGateways } from '../adapters/kubernetes/aws-auth-gateways.ts';
import {
  createProducerConnection,
  createStoreConnection,
  createWorkerConnection,
} from '../adapters/queue/connection.ts';
import { createProducer, type Producer } from '../adapters/queue/producer.ts';
import { createChannelPacer } from '../adapters/slack/channel-pacer.ts';
import { createSlackHomeTab } from '../adapters/slack/home-tab.ts';
import { createSlackNotifier } from '../adapters/slack/notifier.ts';
import { ObservedWebClient } from '../adapters/slack/observed-client.ts';
import { createSlackPeople } from '../adapters/slack/people.ts';
import { createSlackUserGroups } from '../adapters/slack/user-groups.ts';
import { createAuditLog } from '../adapters/store/audit-log.ts';
import { createAutoApprovalQuota } from '../adapters/store/auto-approval-quota.ts';
import { createDigests } from '../adapters/store/digests.ts';
import { createIdentityLinks } from '../adapters/store/identity-links.ts';
import { createMessageLog } from '../adapters/store/message-log.ts';
import { createRequestStore } from '../adapters/store/request-store.ts';
import { createSharedAnswers } from '../adapters/store/shared-answers.ts';
import type { Env } from '../config/env.ts';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import type { Deps } from '../usecases/ports/deps.ts';

export interface Composition {
  deps: Deps;
  producer: Producer;
  redis: Redis;
  workerRedis: Redis;
  metrics: Metrics;
  close(): Promise<void>;
}

/** Config + Env → adapters → the ports the use cases need. Plain functions, no container. */
export function compose(env: Env, config: Config, redisUrl: string, log: Logger): Composition {
  const redis = createProducerConnection(redisUrl);
  const workerRedis = createWorkerConnection(redisUrl);
  const storeRedis = createStoreConnection(redisUrl);
  for (const [name, connection] of [
    ['producer', redis],
    ['worker', workerRedis],
    ['store', storeRedis],
  ] as const) {
    connection.on('error', (error: Error) =>
      log.warn({ connection: name, err: error.message }, 'redis connection error'),
    );
  }
  const producer = createProducer(redis, env.redisPrefix, log, env.replicaWait);
  const metrics = createMetrics({ queue: producer.queue, redis, prefix: env.redisPrefix });
  const awsClients = createAwsClients({ observe: (call) => metrics.observeAws(call) });
  const gateways = createClusterGateways(awsClients);
  const slack = new ObservedWebClient(
    env.slackBotToken,
    {
      ...(env.slackApiUrl ? { slackApiUrl: env.slackApiUrl } : {}),
      // Bounded retries: a worker job retries on its own schedule, and an unbounded client retry holds a worker slot.
      retryConfig: { retries: 4, factor: 2, minTimeout: 500, maxTimeout: 10_000, randomize: true },
    },
    (method, error) => metrics.observeSlackError(method, error),
  );
  // Posts only, and no retries of its own: the notifier retries them itself, looking first for a post whose answer
  // was lost (a client retry would post it twice). Rate limits come back at once, with Retry-After.
  const postClient = new ObservedWebClient(
    env.slackBotToken,
    {
      ...(env.slackApiUrl ? { slackApiUrl: env.slackApiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    },
    (method, error) => metrics.observeSlackError(method, error),
  );
  const pacer = createChannelPacer(storeRedis, env.redisPrefix, {
    intervalMs: env.worker.slackPostIntervalMs,
    burst: env.worker.slackPostBurst,
    maxWaitMs: env.worker.slackPostMaxWaitMs,
  });
  const audit = createAuditLog(storeRedis, env.redisPrefix);
  const deps: Deps = {
    settings: config,
    clock: { now: () => Date.now() },
    store: createRequestStore(storeRedis, env.redisPrefix),
    messages: createMessageLog(storeRedis, env.redisPrefix),
    notifier: createSlackNotifier(slack, { postClient, pacer }),
    queue: producer,
    gateways,
    diagnostics: createDiagnosticsGateways(awsClients, Date.now, createSharedAnswers(storeRedis, env.redisPrefix)),
    awsAuth: createAwsAuthGateways({ redis: storeRedis, prefix: env.redisPrefix, clients: awsClients, audit, log }),
    audit,
    userGroups: createSlackUserGroups(slack),
    people: createSlackPeople(slack),
    autoApprovals: createAutoApprovalQuota(storeRedis, env.redisPrefix),
    digests: createDigests(storeRedis, env.redisPrefix),
    identityLinks: createIdentityLinks(storeRedis, env.redisPrefix),
    linkVerifier: createStsLinkVerifier(),
    auditTrail: audit,
    home: createSlackHomeTab(slack),
    tuning: {
      reminderLeadMs: env.worker.reminderLeadMs,
      approverReminders: { baseMs: env.worker.approverReminderBaseMs, capMs: env.worker.approverReminderMaxMs },
      slowNoticeAfterMs: env.worker.slowNoticeAfterMs,
      digestWindowMs: env.worker.digestWindowMs,
      ...(config.audit?.retention ? { auditRetentionMs: config.audit.retention } : {}),
    },
  };
  return {
    deps,
    producer,
    redis,
    workerRedis,
    metrics,
    async close() {
      await producer.close();
      awsClients.destroy();
      await Promise.allSettled([redis.quit(), workerRedis.quit(), storeRedis.quit()]);
    },
  };
}
