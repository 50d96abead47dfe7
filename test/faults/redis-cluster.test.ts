import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createAuditLog } from '../../src/adapters/store/audit-log.ts';
import { createRequestStore } from '../../src/adapters/store/request-store.ts';
import { asRequestId } from '../../src/core/ids.ts';
import { fileAndApprove } from '../support/approved-request.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { APPROVAL_CHANNEL, ARNS, type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { textOf } from '../support/policy-sandbox.ts';
import { startRedisCluster, type TestCluster } from '../support/redis-topologies.ts';
import { waitFor } from '../support/wait-for.ts';

// The bot on a Redis Cluster of three primaries (REDIS_CLUSTER_NODES), with the production key prefix: the whole
// grant → approve → expiry flow, aws-auth grants batched through the writer's Lua scripts, and afterwards every
// key the bot and BullMQ wrote sits in the one slot of the prefix's hash tag.
const PREFIX = '{eks-access}';
const STAGING_DURATIONS = '    durations:\n      view: { default: 4s, max: 2h }\n';
const AWS_AUTH_ASKERS = [
  [PEOPLE.alice, ARNS.alice],
  [PEOPLE.dave, ARNS.dave],
  [PEOPLE.erin, ARNS.erin],
] as const;

let redisCluster: TestCluster;
let sandbox: E2eSandbox;
let bot: BotProcess;
let client: Cluster;

beforeAll(async () => {
  redisCluster = await startRedisCluster();
  // The sandbox's own connection is never used here (its keys would not be on node 0): the test reads through `client`.
  sandbox = await startE2eSandbox({ redisUrl: redisCluster.nodes[0]?.url ?? '', stagingExtra: STAGING_DURATIONS });
  const env: NodeJS.ProcessEnv = {
    ...sandbox.env,
    ...redisCluster.env,
    EKS_ACCESS_REDIS_PREFIX: PREFIX,
    EKS_ACCESS_RECONCILE_MS: '1000',
  };
  delete env['REDIS_URL'];
  bot = spawnBot(['start'], env);
  await bot.waitForOutput(/eks-access is running/, 60_000);
  client = new Cluster(redisCluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
}, 90_000);

afterAll(async () => {
  await bot?.kill('SIGKILL'); // the last test leaves the cluster without the slot's owner
  await client?.quit().catch(() => undefined);
  await sandbox?.close();
  await redisCluster?.stop();
});

const store = () => createRequestStore(client, PREFIX);
const status = async (id: string) => (await store().get(asRequestId(id)))?.status;

describe('Redis Cluster (REDIS_CLUSTER_NODES, three primaries)', () => {
  it('says at start-up which Redis it uses', () => {
    expect(bot.output()).toContain(`"redis":"${'REDIS_CLUSTER_NODES'} ${redisCluster.env['REDIS_CLUSTER_NODES']}"`);
    expect(bot.output()).toContain('"servers":3');
  });

  it('grant → approve → expiry: the entry is created, then removed when the grant ends', async () => {
    const { id, threadTs } = await fileAndApprove(sandbox, PEOPLE.dave, 'grant me view on staging');
    await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /now has/.test(m.text ?? ''), 20_000);
    expect(sandbox.eks.entry('staging', ARNS.dave)).toBeDefined();

    await waitFor(async () => (await status(id)) === 'expired', { timeoutMs: 20_000, what: `${id} expired` });
    await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /expired/.test(m.text ?? ''), 10_000);

    expect(sandbox.eks.entry('staging', ARNS.dave)).toBeUndefined();
    const events = (await createAuditLog(client, PREFIX).read()).filter((e) => e.requestId === id);
    expect(events.filter((e) => e.type === 'granted')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'expired')).toHaveLength(1);
  });

  it('aws-auth grants approved at once all land, each in exactly one write of a batch', async () => {
    const cards = [];
    for (const [user] of AWS_AUTH_ASKERS) {
      const sent = await sandbox.mention(user, 'grant me view on old-cluster');
      const ack = await sandbox.slack.waitForMessage(
        (m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''),
        15_000,
      );
      const id = /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '';
      const card = await sandbox.slack.waitForMessage(
        (m) => m.channel === APPROVAL_CHANNEL && textOf(m).includes(id),
        15_000,
      );
      cards.push({ id, card });
    }
    const clicks = await Promise.all(
      cards.map(({ id, card }) =>
        sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id }),
      ),
    );
    expect(clicks.map((c) => c.status)).toEqual(cards.map(() => 200));
    for (const { id } of cards) {
      await waitFor(async () => (await status(id)) === 'granted', { timeoutMs: 30_000, what: `${id} granted` });
    }

    const data = sandbox.kube['old-cluster'].configMap('kube-system', 'aws-auth')?.data ?? {};
    const users = parse(data['mapUsers'] ?? '') as { userarn: string }[];
    expect(users.map((u) => u.userarn).sort()).toEqual(AWS_AUTH_ASKERS.map(([, arn]) => arn).sort());
    expect(data['mapRoles']).toContain('ops-admin');
    const writes = (await createAuditLog(client, PREFIX).read()).filter(
      (e) => e.type === 'aws_auth_write' && e.cluster === 'old-cluster',
    );
    expect(writes.reduce((sum, e) => sum + Number(e.detail?.['batchSize']), 0)).toBe(AWS_AUTH_ASKERS.length);
    expect(sandbox.kube['old-cluster'].writes('kube-system', 'aws-auth')).toBe(writes.length);
  });

  it('every key the bot and BullMQ wrote is in the hash tag’s slot, all on the one node that owns it', async () => {
    const perNode = await Promise.all(
      redisCluster.nodes.map(async (node) => {
        const direct = new Redis(node.port, '127.0.0.1');
        try {
          const keys: string[] = [];
          let cursor = '0';
          do {
            const [next, batch] = await direct.scan(cursor, 'COUNT', 1000);
            keys.push(...batch);
            cursor = next;
          } while (cursor !== '0');
          const slots = await Promise.all(keys.map(async (k) => Number(await direct.call('CLUSTER', 'KEYSLOT', k))));
          const expected = Number(await direct.call('CLUSTER', 'KEYSLOT', PREFIX));
          return { port: node.port, keys, slots, expected };
        } finally {
          direct.disconnect();
        }
      }),
    );
    const expected = perNode[0]?.expected;
    const holding = perNode.filter((n) => n.keys.length > 0);

    expect(holding).toHaveLength(1);
    const [owner] = holding;
    // Store keys, audit, aws-auth writer keys and BullMQ's queue keys are all there.
    expect(owner?.keys.some((k) => k.startsWith(`${PREFIX}:req:`))).toBe(true);
    expect(owner?.keys).toContain(`${PREFIX}:audit`);
    expect(owner?.keys.some((k) => k.includes('awsauth'))).toBe(true);
    expect(owner?.keys.some((k) => /^\{eks-access\}:[^:]+:(wait|completed|delayed|events|meta|id)$/.test(k))).toBe(
      true,
    );
    expect(owner?.keys.every((k) => k.startsWith(PREFIX))).toBe(true);
    expect(new Set(owner?.slots)).toEqual(new Set([expected]));
  });

  it('/readyz turns 503 when the primary owning the slot dies (no replica to promote here), /healthz too', async () => {
    const readyz = () => fetch(`http://127.0.0.1:${sandbox.port}/readyz`).then((r) => r.status);
    expect(await readyz()).toBe(200);
    const direct = new Redis(redisCluster.nodes[0]?.port ?? 0, '127.0.0.1');
    const slot = Number(await direct.call('CLUSTER', 'KEYSLOT', PREFIX));
    const ranges = (await direct.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    direct.disconnect();
    const ownerPort = ranges.find(([start, end]) => start <= slot && slot <= end)?.[2][1];
    const owner = redisCluster.nodes.find((n) => n.port === ownerPort);
    expect(owner).toBeDefined();

    await owner?.stop('SIGKILL');

    await waitFor(async () => (await readyz()) === 503, { timeoutMs: 10_000, what: '/readyz 503' });
    const health = await fetch(`http://127.0.0.1:${sandbox.port}/healthz`);
    expect(health.status).toBe(503);
    expect(bot.child.exitCode).toBeNull();
  });
});
