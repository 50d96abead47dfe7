import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAwsAuthVersioned } from '../../../src/adapters/kubernetes/aws-auth-object.ts';
import {
  type AwsAuthWriterOptions,
  awsAuthKeys,
  createAwsAuthWriter,
  type Fold,
} from '../../../src/adapters/kubernetes/aws-auth-writer.ts';
import { coreApiFor } from '../../../src/adapters/kubernetes/cluster-api.ts';
import { AdapterError } from '../../../src/shared/errors.ts';
import {
  ACCOUNT,
  BOT_ARN,
  grant,
  item,
  NODE_ROLES,
  START,
  type TextEdit,
  type TextResult,
  textFold,
  type World,
  world,
} from './world.ts';

const NS = 'kube-system';
const NAME = 'aws-auth';
const CONFLICT = { status: 409, message: 'Operation cannot be fulfilled on configmaps "aws-auth": injected' };

let w: World;

beforeEach(async () => {
  w = await world();
  w.kube.setConfigMap(NS, NAME, START);
});

afterEach(async () => {
  expect(w.kube.unexpected).toEqual([]);
  await w.close();
});

function writer(options: Partial<AwsAuthWriterOptions> = {}) {
  return createAwsAuthWriter({
    redis: w.redis,
    prefix: w.prefix,
    apiFor: async () => await coreApiFor(w.target),
    ...options,
  });
}

function mapRoles(): string {
  return w.kube.configMap(NS, NAME)?.data['mapRoles'] ?? '';
}

function statusesOf(op: string): (number | undefined)[] {
  return w.kube.callsTo(op).map((call) => call.status);
}

describe('aws-auth writer: batching under concurrency', () => {
  it('lands 100 concurrent grants from 10 workers in at most 10 writes, node role untouched', async () => {
    const workers = Array.from({ length: 10 }, () => writer({ redis: w.connection() }));

    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, n) => workers[n % 10]?.submit(w.cluster, `grant-${n}`, grant(n), textFold)),
    );

    const after = w.kube.configMap(NS, NAME);
    expect(outcomes.map((o) => o?.result)).toEqual(Array(100).fill('added'));
    for (let n = 0; n < 100; n++) expect(after?.data['mapRoles']).toContain(item(grant(n)));
    expect(after?.data['mapRoles']?.startsWith(NODE_ROLES)).toBe(true);
    expect(after?.data['mapAccounts']).toBe(START.mapAccounts);
    expect(after?.data['mapUsers']).toBe('');
    const writes = w.kube.writes(NS, NAME);
    expect(writes).toBeLessThanOrEqual(10);
    const distinct = new Map(outcomes.map((o) => [o?.write?.resourceVersionAfter, o?.write?.batchSize]));
    expect(distinct.size).toBe(writes);
    expect([...distinct.values()].reduce<number>((sum, size) => sum + (size ?? 0), 0)).toBe(100);
  });

  it('keeps a person’s edit that lands between the bot’s read and its write (409, re-read, re-fold)', async () => {
    const held = w.kube.hold('ReplaceConfigMap');
    const person = item({ arn: `arn:aws:iam::${ACCOUNT}:role/ops-by-hand`, username: 'ops' });

    const submitted = writer().submit(w.cluster, 'grant-1', grant(1), textFold);
    await held.arrived;
    w.kube.setConfigMap(NS, NAME, { ...START, mapRoles: `${NODE_ROLES}${person}` });
    held.release();
    const outcome = await submitted;

    expect(mapRoles()).toBe(`${NODE_ROLES}${person}${item(grant(1))}`);
    expect(statusesOf('ReplaceConfigMap')).toEqual([409, 200]);
    expect(outcome.write?.attempts).toBe(2);
    expect(outcome.write?.previousData?.['mapRoles']).toBe(`${NODE_ROLES}${person}`);
  });

  it('lands every edit when every second write gets a 409', async () => {
    const submit = writer();

    for (let n = 0; n < 10; n++) {
      w.kube.failNext('ReplaceConfigMap', 1, CONFLICT);
      const outcome = await submit.submit(w.cluster, `grant-${n}`, grant(n), textFold);
      expect(outcome.write?.attempts).toBe(2);
    }

    expect(statusesOf('ReplaceConfigMap')).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 409 : 200)));
    for (let n = 0; n < 10; n++) expect(mapRoles()).toContain(item(grant(n)));
    expect(w.kube.writes(NS, NAME)).toBe(10);
  });

  it('outlasts a run of conflicts that would exhaust a small retry cap (12 in a row), within its deadline', async () => {
    w.kube.failNext('ReplaceConfigMap', 12, CONFLICT);
    const submit = writer({ backoffMs: { base: 5, max: 40 } });

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, n) => submit.submit(w.cluster, `grant-${n}`, grant(n), textFold)),
    );

    for (let n = 0; n < 20; n++) expect(mapRoles()).toContain(item(grant(n)));
    expect(Math.max(...outcomes.map((o) => o.write?.attempts ?? 0))).toBe(13);
  });

  it('gives up with a retryable timeout when conflicts outlast the deadline; a retry with the same id lands', async () => {
    // 60 attempts need at least 60 × 5 ms of backoff, more than the 200 ms deadline.
    w.kube.failNext('ReplaceConfigMap', 60, CONFLICT);

    const failed = await writer({ deadlineMs: 200, backoffMs: { base: 10, max: 50 } })
      .submit(w.cluster, 'grant-1', grant(1), textFold)
      .catch((error: unknown) => error);
    const retried = await writer({ backoffMs: { base: 5, max: 10 } }).submit(w.cluster, 'grant-1', grant(1), textFold);

    expect(failed).toBeInstanceOf(AdapterError);
    expect(failed).toMatchObject({ code: 'timeout', retryable: true });
    expect(retried.result).toBe('added');
    expect(statusesOf('ReplaceConfigMap')).toEqual([...Array(60).fill(409), 200]);
  });
});

describe('aws-auth writer: holders that vanish', () => {
  it('proceeds after the lock TTL when the holder died without releasing it', async () => {
    await w.redis.set(awsAuthKeys(w.prefix, w.cluster).lock, 'crashed-holder', 'PX', 800);
    const started = Date.now();

    const outcome = await writer({ lockTtlMs: 800 }).submit(w.cluster, 'grant-1', grant(1), textFold);

    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(outcome.result).toBe('added');
    expect(mapRoles()).toContain(item(grant(1)));
  });

  it('a holder whose lock expired while it was stalled does not write; the next holder writes its edit', async () => {
    const held = w.kube.hold('ReadConfigMap');
    const stalled = writer({ redis: w.connection() }).submit(w.cluster, 'grant-1', grant(1), textFold);
    await held.arrived;
    await w.redis.del(awsAuthKeys(w.prefix, w.cluster).lock); // its TTL ran out while the read hung

    const next = await writer({ redis: w.connection() }).submit(w.cluster, 'grant-2', grant(2), textFold);
    held.release();
    const late = await stalled;

    expect(next.write?.batchSize).toBe(2);
    expect(late).toEqual({ result: 'added', write: next.write });
    expect(statusesOf('ReplaceConfigMap')).toEqual([200]);
    expect(mapRoles()).toBe(`${NODE_ROLES}${item(grant(1))}${item(grant(2))}`);
  });

  it('applies an edit left pending by a submitter that died, with the next batch', async () => {
    const keys = awsAuthKeys(w.prefix, w.cluster);
    await w.redis.hset(keys.pending, 'orphan', `0:${JSON.stringify(grant(7))}`);

    const outcome = await writer().submit(w.cluster, 'grant-1', grant(1), textFold);

    expect(outcome.write?.batchSize).toBe(2);
    expect(mapRoles()).toContain(item(grant(7)));
    expect(await w.redis.hlen(keys.pending)).toBe(0);
    // The orphan's own job, when it is retried, finds its result instead of applying it again.
    expect((await writer().submit(w.cluster, 'orphan', grant(7), textFold)).result).toBe('added');
    expect(w.kube.writes(NS, NAME)).toBe(1);
  });
});

describe('aws-auth writer: what is written', () => {
  it('writes nothing when the fold refuses (same resourceVersion)', async () => {
    const before = w.kube.configMap(NS, NAME)?.resourceVersion;
    const refuse: Fold<TextEdit, string> = (_data, edits) => ({
      data: undefined,
      results: Object.fromEntries(edits.map(({ id }) => [id, 'refused: creator'])),
    });

    const outcome = await writer().submit(w.cluster, 'grant-1', grant(1), refuse);

    expect(outcome).toEqual({ result: 'refused: creator' });
    expect(w.kube.configMap(NS, NAME)?.resourceVersion).toBe(before);
    expect(w.kube.writes(NS, NAME)).toBe(0);
    expect(w.kube.callsTo('ReplaceConfigMap')).toEqual([]);
  });

  it('applies a submit retried with the same id once, also when the duplicates race', async () => {
    const folded: string[] = [];
    const counting: Fold<TextEdit, TextResult> = (data, edits) => {
      folded.push(...edits.map(({ id }) => id));
      return textFold(data, edits);
    };
    const submit = writer();

    const first = await submit.submit(w.cluster, 'grant-1', grant(1), counting);
    const again = await submit.submit(w.cluster, 'grant-1', grant(1), counting);
    const raced = await Promise.all(
      Array.from({ length: 5 }, () =>
        writer({ redis: w.connection() }).submit(w.cluster, 'grant-2', grant(2), counting),
      ),
    );

    expect(again).toEqual(first);
    expect(raced.map((o) => o.result)).toEqual(Array(5).fill('added'));
    expect(folded).toEqual(['grant-1', 'grant-2']);
    expect(w.kube.writes(NS, NAME)).toBe(2);
    expect(mapRoles().split(item(grant(2))).length).toBe(2);
  });

  it('creates the ConfigMap when it is absent, with no resourceVersion on the create', async () => {
    w.kube.removeConfigMap(NS, NAME);

    const outcome = await writer().submit(w.cluster, 'grant-1', grant(1), textFold);

    const create = w.kube.callsTo('CreateConfigMap');
    expect(create.map((call) => call.status)).toEqual([201]);
    const body = JSON.parse(create[0]?.body ?? '{}') as { metadata?: Record<string, unknown> };
    expect(body.metadata).toEqual({ name: NAME, namespace: NS });
    expect(w.kube.configMap(NS, NAME)?.data).toEqual({ mapRoles: item(grant(1)) });
    expect(outcome.write).toMatchObject({ batchSize: 1, attempts: 1 });
    expect(outcome.write?.resourceVersionBefore).toBeUndefined();
    expect(outcome.write?.previousData).toBeUndefined();
  });

  it('keeps a ConfigMap a person created between the bot’s read (absent) and its create', async () => {
    w.kube.removeConfigMap(NS, NAME);
    const held = w.kube.hold('CreateConfigMap');

    const submitted = writer().submit(w.cluster, 'grant-1', grant(1), textFold);
    await held.arrived;
    w.kube.setConfigMap(NS, NAME, START);
    held.release();
    const outcome = await submitted;

    expect(statusesOf('CreateConfigMap')).toEqual([409]);
    expect(statusesOf('ReplaceConfigMap')).toEqual([200]);
    expect(w.kube.configMap(NS, NAME)?.data).toEqual({ ...START, mapRoles: `${NODE_ROLES}${item(grant(1))}` });
    expect(outcome.write).toMatchObject({ previousData: START, attempts: 2 });
  });

  it('records the replaced data and versions for history, and serves them to waiters too', async () => {
    const before = await readAwsAuthVersioned(await coreApiFor(w.target));
    const a = writer({ redis: w.connection() });
    const b = writer({ redis: w.connection() });

    const [first, second] = await Promise.all([
      a.submit(w.cluster, 'grant-1', grant(1), textFold),
      b.submit(w.cluster, 'grant-2', grant(2), textFold),
    ]);

    const after = await readAwsAuthVersioned(await coreApiFor(w.target));
    expect(first.write).toEqual(second.write);
    expect(first.write).toEqual({
      resourceVersionBefore: before?.resourceVersion,
      resourceVersionAfter: after?.resourceVersion,
      previousData: START,
      batchSize: 2,
      attempts: 1,
    });
  });

  it('restores a previous version through the same path (a fold that returns the stored data)', async () => {
    const first = await writer().submit(w.cluster, 'grant-1', grant(1), textFold);
    const restore: Fold<{ data: Record<string, string> }, 'restored'> = (_data, edits) => ({
      data: edits.at(-1)?.edit.data,
      results: Object.fromEntries(edits.map(({ id }) => [id, 'restored' as const])),
    });

    await writer().submit(w.cluster, 'restore-1', { data: first.write?.previousData ?? {} }, restore);

    expect(w.kube.configMap(NS, NAME)?.data).toEqual(START);
  });
});

describe('aws-auth writer: failures', () => {
  it('answers every edit of a forbidden batch with k8s_forbidden, and a retry with the same id applies it', async () => {
    w.kube.forbid(BOT_ARN);
    const workers = [writer({ redis: w.connection() }), writer({ redis: w.connection() })];

    const failed = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        workers[n % 2]?.submit(w.cluster, `grant-${n}`, grant(n), textFold).catch((error: unknown) => error),
      ),
    );
    w.kube.unforbid(BOT_ARN);
    const retried = await writer().submit(w.cluster, 'grant-0', grant(0), textFold);

    for (const error of failed) expect(error).toMatchObject({ code: 'k8s_forbidden', retryable: false });
    expect(retried.result).toBe('added');
    expect(mapRoles()).toBe(`${NODE_ROLES}${item(grant(0))}`);
  });

  it('fails only the edit the fold throws for; the rest of its batch is written', async () => {
    const picky: Fold<TextEdit, TextResult> = (data, edits) => {
      if (edits.some(({ edit }) => edit.username === 'poison')) throw new Error('cannot render this edit');
      return textFold(data, edits);
    };
    const poison = { ...grant(99), username: 'poison' };
    const submit = writer();
    const keys = awsAuthKeys(w.prefix, w.cluster);
    // Queue two edits as other workers would, then let one submit drain all three in one batch.
    // Sequence numbers below the ones submit will draw, so they sort first.
    await w.redis.hset(
      keys.pending,
      'poison',
      `-2:${JSON.stringify(poison)}`,
      'grant-2',
      `-1:${JSON.stringify(grant(2))}`,
    );

    const outcome = await submit.submit(w.cluster, 'grant-1', grant(1), picky);
    const poisoned = await submit.submit(w.cluster, 'poison', poison, picky).catch((error: unknown) => error);

    expect(outcome.write?.batchSize).toBe(3);
    expect(mapRoles()).toBe(`${NODE_ROLES}${item(grant(2))}${item(grant(1))}`);
    expect(poisoned).toMatchObject({ code: 'unknown', retryable: false });
  });
});
