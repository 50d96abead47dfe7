import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jobId, QUEUE_NAME } from '../../src/adapters/queue/jobs.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { ARNS, type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { grantedReplies, type Submitted, submitRequest } from '../support/requests.ts';
import { waitFor } from '../support/wait-for.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const KILLS = 20;
const PRINCIPALS = [
  [PEOPLE.alice, ARNS.alice],
  [PEOPLE.bob, ARNS.bob],
  [PEOPLE.dave, ARNS.dave],
  [PEOPLE.erin, ARNS.erin],
] as const;
const CLUSTERS = ['prod-cluster', 'staging'] as const;

let sandbox: E2eSandbox;
let env: NodeJS.ProcessEnv;
const processes: BotProcess[] = [];

beforeAll(async () => {
  sandbox = await startE2eSandbox();
  // BullMQ's default: a job that stalls twice is failed. The reconciler (every second here) must re-drive it.
  env = {
    ...sandbox.env,
    EKS_ACCESS_MAX_STALLED: '1',
    EKS_ACCESS_RECONCILE_MS: '1000',
    EKS_ACCESS_REDRIVE_AFTER_MS: '3000',
  };
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  await sandbox?.close();
});

async function start(role: 'web' | 'worker'): Promise<BotProcess> {
  const bot = spawnBot([role], env);
  processes.push(bot);
  await bot.waitForOutput(/eks-access is running/, 60_000);
  return bot;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it(`${KILLS} worker SIGKILLs at random points, some between CreateAccessEntry and AssociateAccessPolicy, some on the same job twice: every request granted exactly once`, async () => {
  await start('web');
  let worker = await start('worker');
  const requests: (Submitted & { cluster: string; arn: string })[] = [];
  for (const cluster of CLUSTERS) {
    for (const [user, arn] of PRINCIPALS) {
      const submitted = await submitRequest(sandbox, user, `grant me view on ${cluster} for 1h`);
      requests.push({ ...submitted, cluster, arn });
    }
  }
  const random = seeded(7);
  const killedWhileHeld: string[] = [];

  let clicked = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    // Kill 1 resumes the job held at kill 0 instead of approving another request.
    const next = kill === 1 ? undefined : requests[clicked];
    // The first kills land on one job twice: held at AssociateAccessPolicy, killed, resumed, held again, killed.
    const isHeldKill = kill < 2 || (clicked < requests.length && random() < 0.5);
    const hold = isHeldKill ? sandbox.eks.hold('AssociateAccessPolicy') : undefined;
    if (next) {
      clicked += 1;
      await sandbox.click(PEOPLE.approver1, 'approve', {
        channel: next.card.channel,
        ts: next.card.ts,
        value: next.id,
      });
      await waitFor(async () => (await sandbox.request(next.id))?.status !== 'pending', { what: 'the approval' });
    }
    if (hold) {
      const arrived = await Promise.race([hold.arrived.then(() => true), sleep(5_000).then(() => false)]);
      if (arrived) {
        const call = sandbox.eks.callsTo('AssociateAccessPolicy').at(-1);
        killedWhileHeld.push(decodeURIComponent(call?.path ?? ''));
      }
      await worker.kill('SIGKILL');
      hold.drop();
    } else {
      await sleep(Math.floor(random() * 1_500));
      await worker.kill('SIGKILL');
    }
    const t0 = Date.now();
    worker = await start('worker');
    console.log(`kill ${kill}: held=${isHeldKill} restart ${Date.now() - t0} ms`, killedWhileHeld.at(-1) ?? '');
  }

  try {
    for (const request of requests) {
      await waitFor(async () => (await sandbox.request(request.id))?.status === 'granted', {
        timeoutMs: 60_000,
        what: `${request.id} granted`,
      });
    }
  } catch (error) {
    console.log(await describeJobs(requests.map((r) => r.id)));
    throw error;
  }
  await sleep(1_500);

  const audit = await sandbox.auditEvents();
  for (const request of requests) {
    const onThis = (c: { path: string; status?: number }) =>
      c.status === 200 && decodeURIComponent(c.path).includes(`/clusters/${request.cluster}/`);
    const creates = sandbox.eks
      .callsTo('CreateAccessEntry')
      .filter((c) => onThis(c) && c.body.includes(JSON.stringify(request.arn)));
    const associations = sandbox.eks
      .callsTo('AssociateAccessPolicy')
      .filter((c) => onThis(c) && decodeURIComponent(c.path).includes(request.arn));
    expect({ id: request.id, creates: creates.length, associations: associations.length }).toEqual({
      id: request.id,
      creates: 1,
      associations: 1,
    });
    expect(sandbox.eks.policies(request.cluster, request.arn).map((p) => p.policyArn)).toEqual([VIEW]);
    expect((await sandbox.request(request.id))?.status).toBe('granted');
    expect(grantedReplies(sandbox, request.threadTs)).toHaveLength(1);
    expect(audit.filter((e) => e.requestId === request.id && e.type === 'granted')).toHaveLength(1);
  }
  // The first held job was killed twice: BullMQ failed it, and the reconciler brought it back.
  expect(killedWhileHeld.length).toBeGreaterThanOrEqual(2);
  expect(killedWhileHeld[0]).toBe(killedWhileHeld[1]);
  expect(audit.filter((e) => e.type === 'redriven').length).toBeGreaterThanOrEqual(1);
}, 900_000);

async function describeJobs(ids: string[]): Promise<string> {
  const queue = new Queue(QUEUE_NAME, { connection: sandbox.redis, prefix: sandbox.prefix });
  const lines = [];
  for (const id of ids) {
    const job = await queue.getJob(jobId('apply', id));
    const state = job ? await job.getState() : 'none';
    const request = await sandbox.request(id);
    lines.push(`${id} ${request?.status} job=${state} attempts=${job?.attemptsMade} ${job?.failedReason ?? ''}`);
  }
  const audit = await sandbox.auditEvents();
  lines.push(audit.map((e) => `${e.type}:${e.requestId ?? ''}`).join(' '));
  await queue.close();
  return lines.join('\n');
}

/** A small deterministic generator, so a failing run can be replayed with the same kill points. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}
