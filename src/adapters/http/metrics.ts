import type { Job, Queue, Worker } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AwsCallObservation } from '../aws/aws-clients.ts';
import type { RedisConnection as Redis } from '../queue/connection.ts';
import { JOB } from '../queue/jobs.ts';
import { storeKeys } from '../store/keys.ts';

/**
 * Prometheus metrics for one process. Use cases never see this: outcomes are read from the worker's `completed`
 * events (job name, data and the use case's result), AWS calls from an SDK middleware, Slack errors from the Web
 * API client; queue depth and active grants are read from Redis at scrape time.
 */
export interface Metrics {
  registry: Registry;
  observeAws(call: AwsCallObservation): void;
  observeSlackError(method: string, error: string): void;
  /** A Slack request refused before verification (not audited: see unauthenticated-requests.ts). */
  observeUnauthenticated(refusal: { status: number; reason: string }): void;
  observeWorker(worker: Worker): void;
  render(): Promise<{ contentType: string; body: string }>;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;

export function createMetrics(options: { queue: Queue; redis: Redis; prefix: string }): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'eks_access_' });
  const requests = new Counter({
    name: 'eks_access_requests_total',
    help: 'Access requests by outcome: submitted, refused, or the status the executor left them in (granted, failed, …)',
    labelNames: ['outcome'],
    registers,
  });
  const approvals = new Counter({
    name: 'eks_access_approvals_total',
    help: 'Approve and Deny clicks that changed a request, by decision',
    labelNames: ['decision'],
    registers,
  });
  const expiries = new Counter({
    name: 'eks_access_expiries_total',
    help: 'Grants ended at expiry, by the status they ended in',
    labelNames: ['status'],
    registers,
  });
  const jobDuration = new Histogram({
    name: 'eks_access_job_duration_seconds',
    help: 'Time a worker spent on a job, by job name and result',
    labelNames: ['job', 'result'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const jobWait = new Histogram({
    name: 'eks_access_job_wait_seconds',
    help: 'Time from enqueue (or the end of its delay) to a worker picking the job up',
    labelNames: ['job'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers,
  });
  const awsDuration = new Histogram({
    name: 'eks_access_aws_call_duration_seconds',
    help: 'AWS API call latency by service and operation (SDK retries included)',
    labelNames: ['service', 'operation'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers,
  });
  const awsErrors = new Counter({
    name: 'eks_access_aws_call_errors_total',
    help: 'AWS API calls that failed, by service, operation and error name',
    labelNames: ['service', 'operation', 'error'],
    registers,
  });
  const slackErrors = new Counter({
    name: 'eks_access_slack_api_errors_total',
    help: 'Slack Web API calls that failed, by method and Slack error (or rate_limited / http_error)',
    labelNames: ['method', 'error'],
    registers,
  });
  const unauthenticated = new Counter({
    name: 'eks_access_unauthenticated_requests_total',
    help: 'Requests to the Slack endpoint refused before verification (no or bad signature, stale timestamp, too large), by status and reason',
    labelNames: ['status', 'reason'],
    registers,
  });
  const keys = storeKeys(options.prefix);
  new Gauge({
    name: 'eks_access_grants_active',
    help: 'Grants currently in force (verified and not yet ended)',
    registers,
    async collect() {
      this.set(await options.redis.zcard(keys.activeGrants));
    },
  });
  new Gauge({
    name: 'eks_access_queue_jobs',
    help: 'Jobs in the queue by state',
    labelNames: ['state'],
    registers,
    async collect() {
      const counts = await options.queue.getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });

  const onCompleted = (job: Job, result: unknown) => {
    observeTimes(job, 'completed');
    const value = (result ?? {}) as { kind?: string; reason?: string; status?: string; ok?: boolean };
    if (job.name === JOB.inbound && value.kind === 'submitted') requests.inc({ outcome: 'submitted' });
    if (job.name === JOB.inbound && value.reason?.startsWith('refused:')) requests.inc({ outcome: 'refused' });
    if (job.name === JOB.apply && value.status) requests.inc({ outcome: value.status });
    if (job.name === JOB.expire && value.status) expiries.inc({ status: value.status });
    const data = (job.data ?? {}) as { kind?: string; decision?: string };
    if (job.name === JOB.interaction && data.kind === 'review' && data.decision && isChange(result)) {
      approvals.inc({ decision: data.decision });
      if (data.decision === 'deny') requests.inc({ outcome: 'denied' });
    }
  };
  const observeTimes = (job: Job, outcome: string) => {
    if (job.processedOn && job.finishedOn) {
      jobDuration.observe({ job: job.name, result: outcome }, (job.finishedOn - job.processedOn) / 1000);
    }
    if (job.processedOn) {
      const readyAt = job.timestamp + (job.delay ?? 0);
      jobWait.observe({ job: job.name }, Math.max(0, job.processedOn - readyAt) / 1000);
    }
  };

  return {
    registry,
    observeAws(call) {
      awsDuration.observe({ service: call.service, operation: call.operation }, call.seconds);
      if (call.error) awsErrors.inc({ service: call.service, operation: call.operation, error: call.error });
    },
    observeSlackError(method, error) {
      slackErrors.inc({ method, error });
    },
    observeUnauthenticated(refusal) {
      unauthenticated.inc({ status: String(refusal.status), reason: refusal.reason });
    },
    observeWorker(worker) {
      worker.on('completed', onCompleted);
      worker.on('failed', (job) => {
        if (job) observeTimes(job, 'failed');
      });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** A review result that changed the request: `{ ok: true }` from review-request, possibly nested by handle-click. */
function isChange(result: unknown): boolean {
  if (!result || typeof result !== 'object') return false;
  const value = result as { ok?: unknown; result?: unknown };
  if (value.ok === true) return true;
  return value.result !== undefined && isChange(value.result);
}
