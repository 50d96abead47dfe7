import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { JOB, jobId, QUEUE_NAME } from '../../../src/adapters/queue/jobs.ts';
import { createProducer, type Producer } from '../../../src/adapters/queue/producer.ts';
import { createRequestStore } from '../../../src/adapters/store/request-store.ts';
import {
  ensureCurrentSchema,
  reindexRequests,
  type SchemaUpgradeParts,
} from '../../../src/adapters/store/schema-upgrade.ts';
import { asPersonId, asRequestId } from '../../../src/core/ids.ts';
import { STORE_SCHEMA_VERSION } from '../../../src/core/request/store-schema.ts';
import type { Settings } from '../../../src/core/settings.ts';
import { StartupError } from '../../../src/runtime/startup-error.ts';
import { ensureStoreSchema } from '../../../src/runtime/store-schema.ts';
import { createLogger } from '../../../src/shared/logger.ts';
import { testRedis } from '../../support/redis.ts';
import { dumpKeys, type Version1Request, version1Request, writeVersion1Store } from '../../support/version-1-store.ts';

const HOUR = 3_600_000;
const PENDING_TIMEOUT = 2 * HOUR;
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const opened: { close(): Promise<unknown> }[] = [];
/** A connection of its own, quit after the file's last test (after what uses it: `opened` closes in reverse). */
function own(redis: Redis): Redis {
  const connection = redis.duplicate();
  opened.push({ close: () => connection.quit() });
  return connection;
}
afterAll(async () => {
  for (const thing of opened.reverse()) await thing.close();
});

/** A fresh prefix with one request of each kind the upgrade treats differently, stored as version 1 wrote them. */
async function version1Store() {
  const { redis, prefix, url } = testRedis();
  opened.push({ close: () => redis.quit() });
  const now = Date.now();
  const granted = (id: string, expiresAt: number, principalArn = 'arn:aws:iam::111122223333:user/erin') =>
    version1Request({
      id,
      status: 'granted',
      requester: 'U0ERIN',
      subject: 'U0ERIN',
      principalArn,
      approvals: [{ by: 'U0APPROVER1', at: now - HOUR }],
      outcome: {
        principalArn,
        policyArn: VIEW,
        hadEntryBefore: false,
        hadPolicyBefore: false,
        verifiedAt: now - HOUR,
        expiresAt,
      },
    });
  const records = {
    pending: version1Request({
      id: 'RV1PENDING',
      status: 'pending',
      requester: 'U0BOB',
      subject: 'U0ALICE',
      createdAt: now - 10 * 60_000,
      updatedAt: now - 10 * 60_000,
    }),
    pendingElsewhere: version1Request({
      id: 'RV1PENDINGSTG',
      status: 'pending',
      cluster: 'staging',
      createdAt: now - 60_000,
      updatedAt: now - 60_000,
    }),
    approved: version1Request({
      id: 'RV1APPROVED',
      status: 'approved',
      createdAt: now - 5 * 60_000,
      updatedAt: now - 4 * 60_000,
    }),
    grantedWithJob: granted('RV1GRANTED', now + 2 * HOUR),
    grantedJobLost: granted('RV1GRANTLOST', now + HOUR, 'arn:aws:iam::111122223333:role/Ops-Admin'),
    expired: {
      ...granted('RV1EXPIRED', now - HOUR),
      status: 'expired',
      ended: { reason: 'expired', at: now - HOUR, evidence: [] },
    },
  };
  // The expired grant's end (markEnded) took it out of the active indexes again: only the people index is left.
  await writeVersion1Store(redis, prefix, Object.values(records) as Version1Request[], {
    expiryJobFor: ['RV1GRANTED'],
  });
  await redis.set(`${prefix}:req:RV1BROKEN`, '{not json');
  const producer = createProducer(own(redis), prefix);
  opened.push(producer);
  const parts = (connection: Redis = redis): SchemaUpgradeParts => ({
    redis: connection,
    prefix,
    jobs: producer,
    pendingTimeoutOf: (cluster) => (cluster === 'prod-cluster' ? PENDING_TIMEOUT : undefined),
    log: quietLog(),
  });
  return { redis, prefix, url, records, producer, parts };
}

function quietLog() {
  const lines: string[] = [];
  return {
    lines,
    info: (...args: unknown[]) => void lines.push(String(args.at(-1))),
    warn: (...args: unknown[]) => void lines.push(String(args.at(-1))),
  } as unknown as SchemaUpgradeParts['log'] & { lines: string[] };
}

async function jobState(producer: Producer, kind: string, id: string) {
  const job = await producer.queue.getJob(jobId(kind, id));
  return job
    ? { state: await job.getState(), runsAt: job.timestamp + (job.delay ?? 0), addedAt: job.timestamp }
    : undefined;
}

describe('upgrading a store written in the previous format', () => {
  it('indexes every request as today, adds the missing lapse and expiry jobs, and marks the store current', async () => {
    const { redis, prefix, records, producer, parts } = await version1Store();
    const store = createRequestStore(redis, prefix);
    const jobBefore = await jobState(producer, 'expire', 'RV1GRANTED');
    const before = {
      pending: await store.pendingOn('prod-cluster', 10),
      active: await store.activeOn('prod-cluster'),
      inFlight: await store.inFlightSince(Date.now(), 10),
      lapse: await jobState(producer, 'lapse', 'RV1PENDING'),
    };

    const check = await ensureCurrentSchema(parts());

    expect(before).toEqual({ pending: [], active: [], inFlight: [], lapse: undefined });
    expect(check).toEqual({
      kind: 'upgraded',
      from: 1,
      to: STORE_SCHEMA_VERSION,
      // pending ×2, in-flight, active-on ×2 (the rest of each grant's entries version 1 already wrote)
      counts: { requests: 6, unreadable: 1, indexEntriesAdded: 5, jobsAdded: 3 },
    });
    expect(await redis.get(`${prefix}:schema-version`)).toBe(String(STORE_SCHEMA_VERSION));
    expect((await store.pendingOn('prod-cluster', 10)).map((r) => r.id)).toEqual(['RV1PENDING']);
    expect((await store.pendingOn('staging', 10)).map((r) => r.id)).toEqual(['RV1PENDINGSTG']);
    expect((await store.activeOn('prod-cluster')).map((r) => r.id).sort()).toEqual(['RV1GRANTED', 'RV1GRANTLOST']);
    expect(await store.inFlightSince(Date.now(), 10)).toEqual(['RV1APPROVED']);
    expect((await store.listForUser(asPersonId('U0BOB'), 10)).map((r) => r.id)).toEqual(['RV1PENDING']);
    expect(
      (await store.activeFor('prod-cluster', 'arn:aws:iam::111122223333:role/ops-admin')).map((r) => r.id),
    ).toEqual(['RV1GRANTLOST']);
    const lapse = await jobState(producer, 'lapse', 'RV1PENDING');
    expect(lapse?.state).toBe('delayed');
    expect(Math.abs((lapse?.runsAt ?? 0) - records.pending.createdAt - PENDING_TIMEOUT)).toBeLessThan(5_000);
    // staging sets no pendingTimeout: the default day
    const lapseStaging = await jobState(producer, 'lapse', 'RV1PENDINGSTG');
    expect(Math.abs((lapseStaging?.runsAt ?? 0) - records.pendingElsewhere.createdAt - 24 * HOUR)).toBeLessThan(5_000);
    const lost = await jobState(producer, 'expire', 'RV1GRANTLOST');
    expect(lost?.state).toBe('delayed');
    expect(Math.abs((lost?.runsAt ?? 0) - (records.grantedJobLost.outcome?.expiresAt ?? 0))).toBeLessThan(5_000);
    // The expiry job version 1 scheduled is the same job, untouched.
    expect(await jobState(producer, 'expire', 'RV1GRANTED')).toEqual(jobBefore);
    expect(await jobState(producer, 'expire', 'RV1EXPIRED')).toBeUndefined();
    expect(await jobState(producer, 'lapse', 'RV1APPROVED')).toBeUndefined();
    expect(await redis.get(`${prefix}:req:RV1BROKEN`)).toBe('{not json');
    expect(await store.get(asRequestId('RV1PENDING'))).toEqual(records.pending);
  });

  it('is idempotent: the step run again and a second start change no key', async () => {
    const { redis, prefix, parts } = await version1Store();
    await ensureCurrentSchema(parts());
    const upgraded = await dumpKeys(redis, prefix);

    const again = await reindexRequests(parts());
    const afterStep = await dumpKeys(redis, prefix);
    const restart = await ensureCurrentSchema(parts());
    const afterRestart = await dumpKeys(redis, prefix);

    expect(again).toEqual({ requests: 6, unreadable: 1, indexEntriesAdded: 0, jobsAdded: 0 });
    expect(afterStep).toEqual(upgraded);
    expect(restart).toEqual({ kind: 'current', version: STORE_SCHEMA_VERSION });
    expect(afterRestart).toEqual(upgraded);
    expect(Object.keys(upgraded)).toContain(`${prefix}:pending:prod-cluster`);
  });

  it('replaces a lapse job that already finished while its request is still pending', async () => {
    const { redis, prefix, producer, parts } = await version1Store();
    await producer.queue.add(JOB.lapse, { requestId: 'RV1PENDING' }, { jobId: jobId('lapse', 'RV1PENDING') });
    const worker = new Worker(QUEUE_NAME, async () => 'ran early', { connection: own(redis), prefix });
    await new Promise<void>((resolve) => worker.on('completed', () => resolve()));
    await worker.close();
    const stateBefore = (await jobState(producer, 'lapse', 'RV1PENDING'))?.state;

    await ensureCurrentSchema(parts());

    expect(stateBefore).toBe('completed');
    expect((await jobState(producer, 'lapse', 'RV1PENDING'))?.state).toBe('delayed');
  });
});

describe('who upgrades, and when a start is refused', () => {
  it('two processes starting at once: one upgrades, the other waits for it and changes nothing itself', async () => {
    const { redis, prefix, parts } = await version1Store();
    // A third process holds the lock as both start, so both find it taken; it goes away without upgrading.
    await redis.set(`${prefix}:schema-upgrade-lock`, 'someone-else', 'PX', 400);
    const [a, b] = [own(redis), own(redis)];
    const logs = [quietLog(), quietLog()];

    const checks = await Promise.all(
      [a, b].map((connection, i) => ensureCurrentSchema({ ...parts(connection), log: logs[i] as never, pollMs: 50 })),
    );

    expect(checks.map((c) => c.kind).sort()).toEqual(['upgraded', 'waited']);
    const upgraded = checks.find((c) => c.kind === 'upgraded');
    expect(upgraded?.kind === 'upgraded' && upgraded.counts.jobsAdded).toBe(3);
    expect(logs.every((log) => (log as unknown as { lines: string[] }).lines.some((l) => /waiting/.test(l)))).toBe(
      true,
    );
    expect(await redis.get(`${prefix}:schema-upgrade-lock`)).toBeNull();
    expect(await redis.get(`${prefix}:schema-version`)).toBe(String(STORE_SCHEMA_VERSION));
  });

  it('an empty store is marked current at once', async () => {
    const { redis, prefix } = testRedis();
    opened.push({ close: () => redis.quit() });
    const producer = createProducer(own(redis), prefix);
    opened.push(producer);

    const check = await ensureCurrentSchema({
      redis,
      prefix,
      jobs: producer,
      pendingTimeoutOf: () => undefined,
      log: quietLog(),
    });

    expect(check).toEqual({
      kind: 'upgraded',
      from: 1,
      to: STORE_SCHEMA_VERSION,
      counts: { requests: 0, unreadable: 0, indexEntriesAdded: 0, jobsAdded: 0 },
    });
    expect(await redis.get(`${prefix}:schema-version`)).toBe(String(STORE_SCHEMA_VERSION));
  });

  it('a store a newer eks-access wrote: the start is refused naming both versions, and nothing is changed', async () => {
    const { redis, prefix, url } = await version1Store();
    await redis.set(`${prefix}:schema-version`, String(STORE_SCHEMA_VERSION + 1));
    const before = await dumpKeys(redis, prefix);
    const settings: Settings = { clusters: [], users: {} };

    const refused = await ensureStoreSchema({ redisPrefix: prefix }, settings, url, createLogger('silent')).catch(
      (error: unknown) => error,
    );

    expect(refused).toBeInstanceOf(StartupError);
    expect((refused as Error).message).toContain(
      `stored format version ${STORE_SCHEMA_VERSION + 1}, but this eks-access knows versions up to ${STORE_SCHEMA_VERSION}`,
    );
    expect((refused as Error).message).toContain('Run that newer eks-access');
    expect(await dumpKeys(redis, prefix)).toEqual(before);
  });

  it('a version key that holds no number refuses the start too', async () => {
    const { redis, prefix, url } = await version1Store();
    await redis.set(`${prefix}:schema-version`, 'v2');

    const refused = await ensureStoreSchema(
      { redisPrefix: prefix },
      { clusters: [], users: {} },
      url,
      createLogger('silent'),
    ).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(StartupError);
    expect((refused as Error).message).toContain(`${prefix}:schema-version`);
    expect((refused as Error).message).toContain('"v2"');
  });
});
