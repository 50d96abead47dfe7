import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RequestId } from '../../core/ids.ts';
import type { Logger } from '../../shared/logger.ts';
import type { JobQueue } from '../../usecases/ports.ts';
import { type InboundPayload, type InteractionPayload, JOB, JOB_OPTIONS, jobId, QUEUE_NAME } from './jobs.ts';

export interface Producer extends JobQueue {
  enqueueInbound(payload: InboundPayload): Promise<void>;
  enqueueInteraction(key: string, payload: InteractionPayload): Promise<void>;
  scheduleReconciler(everyMs: number): Promise<void>;
  queue: Queue;
  close(): Promise<void>;
}

/** With `log`, each stored Slack request is logged with its request id, which the worker's lines carry too. */
export function createProducer(connection: Redis, prefix: string, log?: Logger): Producer {
  const queue = new Queue(QUEUE_NAME, { connection, prefix });
  return {
    queue,
    async enqueueInbound(payload) {
      const id = jobId('in', payload.inboundId);
      await queue.add(JOB.inbound, payload, { ...JOB_OPTIONS, jobId: id });
      log?.info({ requestId: payload.requestId, job: id, source: payload.source }, 'slack request stored');
    },
    async enqueueInteraction(key, payload) {
      const id = jobId('click', key);
      await queue.add(JOB.interaction, payload, { ...JOB_OPTIONS, jobId: id });
      log?.info({ requestId: payload.requestId, job: id, kind: payload.kind }, 'slack click stored');
    },
    async enqueueExpiry(requestId: RequestId, at: number) {
      // Delayed jobs live in a Redis sorted set and survive restarts; the reconciler catches any that run late.
      await queue.add(
        JOB.expire,
        { requestId },
        { ...JOB_OPTIONS, jobId: jobId('expire', requestId), delay: Math.max(0, at - Date.now()) },
      );
    },
    async enqueueReminder(requestId: RequestId, at: number) {
      await queue.add(
        JOB.remind,
        { requestId },
        { ...JOB_OPTIONS, jobId: jobId('remind', requestId), delay: Math.max(0, at - Date.now()) },
      );
    },
    async enqueueApply(requestId: RequestId) {
      await queue.add(JOB.apply, { requestId }, { ...JOB_OPTIONS, attempts: 8, jobId: jobId('apply', requestId) });
    },
    /** The reconciler every `everyMs`, plus one run now: a worker starting after an outage catches up at once. */
    async scheduleReconciler(everyMs: number) {
      await queue.upsertJobScheduler(
        'reconcile',
        { every: everyMs },
        { name: JOB.reconcile, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
      await queue.add(JOB.reconcile, {}, { removeOnComplete: 100, removeOnFail: 100 });
    },
    async close() {
      await queue.close();
    },
  };
}
