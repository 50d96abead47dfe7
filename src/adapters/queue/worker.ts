import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { WorkerTuning } from '../../config/env.ts';
import { AdapterError, DeferredError, toAdapterError } from '../../shared/errors.ts';
import { type Logger, withLogContext } from '../../shared/logger.ts';
import type { RedisConnection as Redis } from './connection.ts';
import { QUEUE_NAME } from './jobs.ts';

/** `log` carries the job id and, when the job has one, the request id the web process logged when it stored it. */
export type JobHandler = (job: Job, isFinalAttempt: boolean, log: Logger) => Promise<unknown>;

/**
 * One BullMQ worker for every job kind. Lock and stall settings come from the env: a SIGKILLed worker's
 * job is picked up again after the lock expires, and `maxStalledCount` is raised well above BullMQ's
 * default of 1, which would fail a job that stalls twice.
 */
export function createWorker(
  connection: Redis,
  prefix: string,
  tuning: WorkerTuning,
  handlers: Record<string, JobHandler>,
  log: Logger,
): Worker {
  const worker = new Worker(
    QUEUE_NAME,
    async (job, token) => {
      const handler = handlers[job.name];
      if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
      const isFinalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      // Every line logged while the job runs carries the request id the web process logged when it stored the job.
      const requestId = (job.data as { requestId?: unknown } | undefined)?.requestId;
      const context = { job: job.id, ...(typeof requestId === 'string' ? { requestId } : {}) };
      try {
        return await runHandler(handler, job, isFinalAttempt, withLogContext(log, context));
      } catch (error) {
        if (!(error instanceof DeferredError)) throw error;
        // Back to delayed without spending an attempt: the job waits for a budget, it did not fail.
        await job.moveToDelayed(Date.now() + error.delayMs, token);
        throw new DelayedError();
      }
    },
    {
      connection,
      prefix,
      concurrency: tuning.concurrency,
      lockDuration: tuning.lockDurationMs,
      stalledInterval: tuning.stalledIntervalMs,
      maxStalledCount: tuning.maxStalledCount,
    },
  );
  worker.on('stalled', (jobId) => log.warn({ job: jobId }, 'job stalled; another worker will run it again'));
  worker.on('error', (error) => log.error({ err: error.message }, 'worker error'));
  return worker;
}

async function runHandler(handler: JobHandler, job: Job, isFinalAttempt: boolean, log: Logger): Promise<unknown> {
  try {
    return await handler(job, isFinalAttempt, log);
  } catch (error) {
    if (error instanceof DeferredError) {
      log.info({ jobName: job.name, delayMs: Math.ceil(error.delayMs) }, 'job deferred');
      throw error;
    }
    const adapterError = toAdapterError(error);
    log.warn({ jobName: job.name, code: adapterError.code, retryable: adapterError.retryable }, 'job failed');
    if (error instanceof AdapterError && !error.retryable) throw new UnrecoverableError(error.message);
    throw error;
  }
}
