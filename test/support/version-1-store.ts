import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAME } from '../../src/adapters/queue/jobs.ts';

/**
 * A request as stored before the version key existed (version 1): the fields of that time only, no `identitySource`,
 * `session` or `kind`. Plain JSON on purpose: the test writes what the old code wrote, not today's type.
 */
export interface Version1Request {
  id: string;
  version: number;
  requester: string;
  subject: string;
  principalArn: string;
  cluster: string;
  level: string;
  namespaces: string[];
  reason?: string;
  durationMs?: number;
  status: string;
  approvals: { by: string; at: number }[];
  channel: string;
  threadTs: string;
  createdAt: number;
  updatedAt: number;
  outcome?: {
    principalArn: string;
    policyArn: string;
    hadEntryBefore: boolean;
    hadPolicyBefore: boolean;
    verifiedAt: number;
    expiresAt?: number;
  };
  ended?: { reason: string; at: number; evidence: string[] };
}

export function version1Request(
  overrides: Partial<Version1Request> & Pick<Version1Request, 'id' | 'status'>,
): Version1Request {
  return {
    version: 1,
    requester: 'U0ALICE',
    subject: 'U0ALICE',
    principalArn: 'arn:aws:iam::111122223333:user/alice',
    cluster: 'prod-cluster',
    level: 'view',
    namespaces: [],
    approvals: [],
    channel: 'C0GENERAL',
    threadTs: '1700000000.000100',
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

/**
 * Stores requests with the commands the version-1 code ran (store.create: SET + the per-person ZADD; markActive: the
 * active ZADD and the per-principal SADD), and, where it had one, the expiry job under its id. Nothing newer: no
 * in-flight, pending-by-cluster or active-on-cluster entry, no lapse job, no version key.
 */
export async function writeVersion1Store(
  redis: Redis,
  prefix: string,
  requests: readonly Version1Request[],
  options: { expiryJobFor?: readonly string[] } = {},
): Promise<void> {
  for (const request of requests) {
    await redis.set(`${prefix}:req:${request.id}`, JSON.stringify(request), 'NX');
    for (const user of new Set([request.requester, request.subject])) {
      await redis.zadd(`${prefix}:user:${user}:reqs`, request.createdAt, request.id);
    }
    if (request.status === 'granted' && request.outcome?.expiresAt !== undefined) {
      const principal = request.outcome.principalArn;
      await redis.zadd(`${prefix}:grants:active`, request.outcome.expiresAt, request.id);
      await redis.sadd(`${prefix}:grants:by:${request.cluster}:${principal.toLowerCase()}`, request.id);
    }
  }
  const withJobs = requests.filter((r) => options.expiryJobFor?.includes(r.id) && r.outcome?.expiresAt);
  if (withJobs.length === 0) return;
  const connection = redis.duplicate();
  const queue = new Queue(QUEUE_NAME, { connection, prefix });
  for (const request of withJobs) {
    await queue.add(
      'expire',
      { requestId: request.id },
      { jobId: `expire-${request.id}`, delay: Math.max(0, (request.outcome?.expiresAt ?? 0) - Date.now()) },
    );
  }
  await queue.close();
  await connection.quit();
}

/** Every key under `prefix` with its type and content, in a form two dumps compare equal by (TTLs left out). */
export async function dumpKeys(redis: Redis, prefix: string): Promise<Record<string, unknown>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const dump: Record<string, unknown> = {};
  for (const key of [...new Set(keys)].sort()) {
    const type = await redis.type(key);
    if (type === 'string') dump[key] = await redis.get(key);
    else if (type === 'hash') dump[key] = await redis.hgetall(key);
    else if (type === 'zset') dump[key] = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'set') dump[key] = (await redis.smembers(key)).sort();
    else if (type === 'list') dump[key] = await redis.lrange(key, 0, -1);
    else if (type === 'stream') dump[key] = await redis.xrange(key, '-', '+');
    else dump[key] = type;
  }
  return dump;
}
