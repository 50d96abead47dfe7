import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import {
  APPROVAL_CHANNEL,
  ARNS,
  BOT_KEY,
  type E2eSandbox,
  PEOPLE,
  SIGNING_SECRET,
  startE2eSandbox,
} from '../support/e2e-sandbox.ts';
import { freePort } from '../support/free-port.ts';
import { waitFor } from '../support/wait-for.ts';

/** Separate web and worker processes, so a request id has to travel through the job to reach the worker's log. */
let sandbox: E2eSandbox;
let web: BotProcess;
let worker: BotProcess;
let workerPort: number;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
  workerPort = await freePort();
  // debug: the most the processes will ever log, so the secret scan below sees everything they could write.
  web = spawnBot(['web'], { ...sandbox.env, LOG_LEVEL: 'debug' });
  worker = spawnBot(['worker'], { ...sandbox.env, LOG_LEVEL: 'debug', EKS_ACCESS_WORKER_PORT: String(workerPort) });
  await Promise.all([
    web.waitForOutput(/eks-access is running/, 60_000),
    worker.waitForOutput(/eks-access is running/, 60_000),
  ]);
});

afterAll(async () => {
  await web?.kill('SIGTERM');
  await worker?.kill('SIGTERM');
  await sandbox?.close();
});

function requestIdIn(message: SlackMessage): string {
  const match = /Request `(R[0-9A-Z]+)`/.exec(message.text ?? '');
  if (!match?.[1]) throw new Error(`no request id in ${message.text}`);
  return match[1];
}

async function requestAndCard(user: string, text: string): Promise<{ id: string; card: SlackMessage }> {
  const sent = await sandbox.mention(user, text);
  const reply = await sandbox.slack.waitForMessage(
    (m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''),
    20_000,
  );
  const id = requestIdIn(reply);
  const card = await sandbox.slack.waitForMessage(
    (m) => m.channel === APPROVAL_CHANNEL && JSON.stringify(m.blocks ?? []).includes(id),
    20_000,
  );
  return { id, card };
}

async function status(id: string, wanted: string): Promise<void> {
  await waitFor(async () => (await sandbox.request(id))?.status === wanted, {
    timeoutMs: 30_000,
    what: `${id} ${wanted}`,
  });
}

function jsonLines(process: BotProcess): Record<string, unknown>[] {
  return process
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** One sample's value from Prometheus text, e.g. `eks_access_requests_total{outcome="granted"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let grantedId = '';

describe('health, metrics, logs and shutdown of separate web and worker processes', () => {
  it('both serve /healthz (Redis and queue) and /readyz once started', async () => {
    for (const port of [sandbox.port, workerPort]) {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);

      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true, redis: 'up', queue: 'up' });
      expect(ready.status).toBe(200);
    }
  });

  it('a grant shows in the worker’s metrics: outcomes, approvals, active grants, queue, job and AWS latency, errors', async () => {
    const { id, card } = await requestAndCard(PEOPLE.alice, 'grant me view on prod-cluster for 2h because INC-9');
    // Four throttles outlast the SDK's own three attempts, so the call fails once and the job retries it.
    sandbox.eks.failNext('AssociateAccessPolicy', 4, {
      status: 429,
      code: 'ThrottlingException',
      message: 'Rate exceeded',
    });
    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await status(id, 'granted');
    grantedId = id;
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
        return (sample(text, 'eks_access_requests_total{outcome="granted"}') ?? 0) >= 1 ? text : undefined;
      },
      { timeoutMs: 20_000, what: 'granted in /metrics' },
    );

    expect(sample(metrics, 'eks_access_requests_total{outcome="submitted"}')).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'eks_access_approvals_total{decision="approve"}')).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'eks_access_grants_active')).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'eks_access_queue_jobs{state="waiting"}')).toBeGreaterThanOrEqual(0);
    expect(
      sample(metrics, 'eks_access_job_duration_seconds_count{job="apply",result="completed"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'eks_access_job_wait_seconds_count{job="inbound"}')).toBeGreaterThanOrEqual(1);
    expect(
      sample(metrics, 'eks_access_aws_call_duration_seconds_count{service="eks",operation="CreateAccessEntry"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(
        metrics,
        'eks_access_aws_call_errors_total{service="eks",operation="AssociateAccessPolicy",error="ThrottlingException"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(metrics).toContain('# TYPE eks_access_aws_call_duration_seconds histogram');
  });

  it('a failed Slack call is counted by method and Slack error', async () => {
    sandbox.slack.failNextWithError('chat.postMessage', 1, 'internal_error');
    await sandbox.mention(PEOPLE.erin, 'help');

    const count = await waitFor(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
        return sample(text, 'eks_access_slack_api_errors_total{method="chat.postMessage",error="internal_error"}');
      },
      { timeoutMs: 20_000, what: 'slack error in /metrics' },
    );

    expect(count).toBe(1);
  });

  it('the request id the web process logged when it stored the job is on the worker’s lines for that request', async () => {
    const webLines = jsonLines(web).filter((l) => l['requestId'] === grantedId);
    const workerLines = jsonLines(worker).filter((l) => l['requestId'] === grantedId);

    expect(webLines.map((l) => l['msg'])).toContain('slack click stored');
    expect(webLines.every((l) => l['role'] === 'web')).toBe(true);
    expect(workerLines.map((l) => l['msg'])).toEqual(expect.arrayContaining(['click handled', 'apply handled']));
    expect(workerLines.every((l) => l['role'] === 'worker')).toBe(true);
  });

  it('no token, signing secret or AWS credential appears in either process’s output', () => {
    const issued = sandbox.sts.issued().flatMap((c) => [c.secretAccessKey, c.sessionToken]);
    const secrets = [sandbox.slack.botToken, SIGNING_SECRET, BOT_KEY.secretAccessKey, ...issued];
    const output = `${web.output()}\n${worker.output()}`;

    expect(issued.length).toBeGreaterThan(0);
    expect(output.length).toBeGreaterThan(1_000);
    for (const secret of secrets) expect(output).not.toContain(secret);
  });

  it('SIGTERM: not ready at once, the job in flight finishes, then exit 0', async () => {
    const { id, card } = await requestAndCard(PEOPLE.dave, 'grant me view on prod-cluster for 1h because INC-10');
    const held = sandbox.eks.hold('CreateAccessEntry');
    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await held.arrived;

    worker.child.kill('SIGTERM');
    const readyDuringShutdown = await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${workerPort}/readyz`);
        return response.status === 503 ? response.status : undefined;
      },
      { timeoutMs: 5_000, what: '/readyz 503' },
    );
    const stillRunning = worker.child.exitCode === null;
    held.release();
    const code = await worker.exited;

    expect(readyDuringShutdown).toBe(503);
    expect(stillRunning).toBe(true);
    expect(code).toBe(0);
    expect((await sandbox.request(id))?.status).toBe('granted');
    expect(sandbox.eks.entry('prod-cluster', ARNS.dave)).toBeDefined();
    expect(worker.output()).toContain('shut down cleanly');
  });

  it('the web process exits 0 on SIGTERM too', async () => {
    expect(await web.kill('SIGTERM')).toBe(0);
  });
});
