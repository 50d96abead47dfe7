import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { APPROVAL_CHANNEL, type E2eSandbox, PEOPLE, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { freePort } from '../support/free-port.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * METRICS_PORT moves /metrics off the public Slack port (and off the worker's health port), and unauthenticated
 * requests are counted there and logged at most once a minute per source. Without METRICS_PORT, /metrics stays on
 * PORT (security.test.ts and observe.test.ts read it there).
 */
let sandbox: E2eSandbox;
let web: BotProcess;
let worker: BotProcess;
const ports = { webMetrics: 0, worker: 0, workerMetrics: 0 };

beforeAll(async () => {
  sandbox = await startE2eSandbox();
  ports.webMetrics = await freePort();
  ports.worker = await freePort();
  ports.workerMetrics = await freePort();
  web = spawnBot(['web'], { ...sandbox.env, METRICS_PORT: String(ports.webMetrics) });
  worker = spawnBot(['worker'], {
    ...sandbox.env,
    EKS_ACCESS_WORKER_PORT: String(ports.worker),
    METRICS_PORT: String(ports.workerMetrics),
  });
  await Promise.all([web.waitForOutput(/eks-access is running/), worker.waitForOutput(/eks-access is running/)]);
}, 90_000);

afterAll(async () => {
  await web?.kill('SIGTERM');
  await worker?.kill('SIGTERM');
  await sandbox?.close();
});

const get = async (port: number, path: string) => {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text() };
};

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('METRICS_PORT', () => {
  it('the web serves /metrics on METRICS_PORT only; the Slack port answers 404 for it and still takes Slack', async () => {
    const onSlackPort = await get(sandbox.port, '/metrics');
    const onMetricsPort = await get(ports.webMetrics, '/metrics');
    const slackOnMetricsPort = await fetch(`http://127.0.0.1:${ports.webMetrics}/slack/events`, { method: 'POST' });
    const sent = await sandbox.mention(PEOPLE.alice, 'grant me view on prod');

    expect(onSlackPort.status).toBe(404);
    expect(onMetricsPort.status).toBe(200);
    expect(onMetricsPort.body).toContain('eks_access_unauthenticated_requests_total');
    expect(slackOnMetricsPort.status).toBe(404);
    expect((await get(sandbox.port, '/healthz')).status).toBe(200);
    expect(sent.status).toBe(200);
    await sandbox.slack.waitForMessage((m) => m.channel === APPROVAL_CHANNEL, 20_000);
  });

  it('the worker serves /metrics on METRICS_PORT only, and health on its own port as before', async () => {
    const onWorkerPort = await get(ports.worker, '/metrics');
    const onMetricsPort = await get(ports.workerMetrics, '/metrics');

    expect(onWorkerPort.status).toBe(404);
    expect((await get(ports.worker, '/healthz')).status).toBe(200);
    expect(onMetricsPort.status).toBe(200);
    expect(onMetricsPort.body).toContain('eks_access_job_duration_seconds');
  });

  it('five wrongly signed requests: all counted, logged once or twice (not five times), none audited', async () => {
    const series = 'eks_access_unauthenticated_requests_total{status="401",reason="signature verification failed"}';
    const before = sample((await get(ports.webMetrics, '/metrics')).body, series);
    const linesBefore = web
      .output()
      .split('\n')
      .filter((l) => l.includes('unauthenticated Slack request')).length;

    for (let i = 0; i < 5; i++) {
      const click = await sandbox.click(
        PEOPLE.approver1,
        'approve',
        { channel: APPROVAL_CHANNEL, ts: '1.1', value: 'R0000000000' },
        { badSignature: true },
      );
      expect(click.status).toBe(401);
    }
    await waitFor(async () => sample((await get(ports.webMetrics, '/metrics')).body, series) === before + 5, {
      what: `${series} + 5`,
    });
    const lines = web
      .output()
      .split('\n')
      .filter((l) => l.includes('unauthenticated Slack request'));

    // One line when the minute opens, at most one more if a minute boundary fell inside the burst.
    expect(lines.length - linesBefore).toBeLessThanOrEqual(2);
    expect(lines.length - linesBefore).toBeGreaterThanOrEqual(1);
    expect(lines.at(-1)).toContain('"source":');
    expect((await sandbox.auditEvents()).some((e) => e.actor === 'slack-http')).toBe(false);
  });
});
