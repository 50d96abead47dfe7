/**
 * Redis memory of history (issue 21, "Cost as the work grows"): what a finished request leaves behind (its record
 * and the per-person index entry, written by the product's request store, with its active-grant indexes added and
 * removed as a grant's life does), and what one audit event costs (appended through the product's audit log, with
 * the fields and detail keys the product writes for a grant's life: requested, approved, applying, granted,
 * expired). INFO used_memory deltas on a private, otherwise empty redis-server. From those, a year of history at
 * 1,000 requests a day with the default audit retention, against the `maxmemory` the README recommends.
 */
import { Redis } from 'ioredis';
import { createAuditLog } from '../src/adapters/store/audit-log.ts';
import { createRequestStore } from '../src/adapters/store/request-store.ts';
import { asPersonId } from '../src/core/ids.ts';
import type { AccessRequest } from '../src/core/request/request.ts';
import { startRedisServer } from '../src/runtime/redis-server.ts';
import type { AuditEvent } from '../src/usecases/ports/audit.ts';
import { DEFAULT_AUDIT_RETENTION_MS } from '../src/usecases/reconcile/audit-retention.ts';
import { redisUsedBytes } from './harness.ts';
import { activeGrant } from './scale-cycles.ts';

export interface HistoryOptions {
  /** Finished requests stored for the measurement (their audit events are five times as many). */
  requests: number;
}

export interface HistoryResult {
  requests: number;
  bytesPerStoredRequest: number;
  auditEvents: number;
  bytesPerAuditEvent: number;
  auditEventsPerRequest: number;
  /** The sizing: 365 days × 1,000 requests a day, audit events kept for the default retention. */
  year: {
    requestsPerDay: number;
    retentionDays: number;
    requests: number;
    auditEventsKept: number;
    /** BullMQ keeps a request's finished jobs for a day: the README's measured ~43 KB a request, not re-measured. */
    jobsOfOneDayMb: number;
    totalMb: number;
    readmeMaxmemoryMb: number;
  };
}

const PREFIX = '{bench-history}';
const BATCH = 500;
const REQUESTS_PER_DAY = 1_000;
/** README "How to size it": BullMQ keeps finished jobs for a day, about 43 KB a request that day. */
const README_JOB_BYTES_PER_REQUEST_DAY = 43_000;
/** README "How to size it": "about 1 GB a year at that rate. Give `maxmemory` twice that." */
const README_MAXMEMORY_MB = 2 * 1024;

export async function measureHistory(options: HistoryOptions): Promise<HistoryResult> {
  const server = await startRedisServer();
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  try {
    const store = createRequestStore(redis, PREFIX);
    const audit = createAuditLog(redis, PREFIX);
    const now = Date.now();
    const before = await redisUsedBytes(redis);
    for (let from = 0; from < options.requests; from += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, options.requests - from) }, (_, k) => from + k);
      await Promise.all(
        batch.map(async (i) => {
          const request = endedRequest(i, now);
          await store.create(request);
          await store.markActive(request);
          await store.markEnded(request);
        }),
      );
    }
    const afterRequests = await redisUsedBytes(redis);
    const lifecycle = (i: number) => lifeEvents(endedRequest(i, now));
    const perRequest = lifecycle(0).length;
    for (let from = 0; from < options.requests; from += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, options.requests - from) }, (_, k) => from + k);
      // In order within a request, as its life writes them; requests interleave as they do in production.
      await Promise.all(
        batch.map(async (i) => {
          for (const event of lifecycle(i)) await audit.append(event);
        }),
      );
    }
    const afterEvents = await redisUsedBytes(redis);
    const bytesPerStoredRequest = Math.round((afterRequests - before) / options.requests);
    const auditEvents = options.requests * perRequest;
    const bytesPerAuditEvent = Math.round((afterEvents - afterRequests) / auditEvents);
    const retentionDays = DEFAULT_AUDIT_RETENTION_MS / 86_400_000;
    const yearRequests = 365 * REQUESTS_PER_DAY;
    // A year is shorter than the default retention, so every event of the year is still kept.
    const auditEventsKept = Math.min(365, retentionDays) * REQUESTS_PER_DAY * perRequest;
    const jobsOfOneDayMb = (REQUESTS_PER_DAY * README_JOB_BYTES_PER_REQUEST_DAY) / 1024 / 1024;
    const totalMb =
      (yearRequests * bytesPerStoredRequest + auditEventsKept * bytesPerAuditEvent) / 1024 / 1024 + jobsOfOneDayMb;
    return {
      requests: options.requests,
      bytesPerStoredRequest,
      auditEvents,
      bytesPerAuditEvent,
      auditEventsPerRequest: perRequest,
      year: {
        requestsPerDay: REQUESTS_PER_DAY,
        retentionDays,
        requests: yearRequests,
        auditEventsKept,
        jobsOfOneDayMb: Math.round(jobsOfOneDayMb),
        totalMb: Math.round(totalMb),
        readmeMaxmemoryMb: README_MAXMEMORY_MB,
      },
    };
  } finally {
    await redis.quit();
    await server.stop();
  }
}

/** A granted request that then expired: the record as the store keeps it for good. */
function endedRequest(i: number, now: number): AccessRequest {
  const granted = activeGrant('history-01', i, now, `U0HIST${String(i).padStart(6, '0')}`);
  const at = now + 3_600_000;
  return {
    ...granted,
    status: 'expired',
    version: 7,
    updatedAt: at,
    ended: { reason: 'expired', at, evidence: [`access entry \`${granted.principalArn}\` deleted (it was ours)`] },
  };
}

/** The events a grant's life writes, with the detail keys the product writes (see submit-request.ts,
 * transition-event.ts, grant-access-entry.ts). */
function lifeEvents(request: AccessRequest): AuditEvent[] {
  const base = { requestId: request.id, cluster: request.cluster };
  const principalArn = request.principalArn;
  const policyArn = request.outcome?.policyArn ?? '';
  return [
    {
      ...base,
      type: 'requested',
      at: request.createdAt,
      actor: request.requester,
      detail: { level: request.level, subject: request.subject, namespaces: '' },
    },
    {
      ...base,
      type: 'approved',
      at: request.createdAt + 1,
      actor: asPersonId('U0APPROVER1'),
      detail: { status: 'approved', approvals: 'U0APPROVER1' },
    },
    {
      ...base,
      type: 'applying',
      at: request.createdAt + 2,
      actor: 'eks-access',
      detail: { principalArn, policyArn, scope: JSON.stringify({ type: 'cluster' }) },
    },
    {
      ...base,
      type: 'granted',
      at: request.createdAt + 3,
      actor: 'eks-access',
      detail: {
        principalArn,
        policyArn,
        calls: `eks:CreateAccessEntry ${principalArn}; eks:AssociateAccessPolicy ${policyArn}; eks:ListAssociatedAccessPolicies`,
        hadEntryBefore: 'false',
      },
    },
    {
      ...base,
      type: 'expired',
      at: request.updatedAt,
      actor: 'eks-access',
      detail: { principalArn, evidence: request.ended?.evidence.join('; ') ?? '' },
    },
  ];
}
