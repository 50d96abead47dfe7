import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RequestId } from '../../core/ids.ts';
import type { JobQueue } from '../../usecases/ports.ts';
import {
  type HomePayload,
  type InboundPayload,
  type InteractionPayload,
  JOB,
  JOB_OPTIONS,
  jobId,
  QUEUE_NAME,
} from './jobs.ts';

export interface Producer extends JobQueue {
  enqueueInbound(payload: InboundPayload): Promise<void>;
  enqueueInteraction(key: string, payload: InteractionPayload): Promise<void>;
  enqueueHome(payload: HomePayload): Promise<void>;
  scheduleReconciler(everyMs: number): Promise<void>;
  queue: Queue;
  close(): Promise<void>;
}

export function createProducer(connection: Redis, prefix: string): Producer {
  const queue = new Queue(QUEUE_NAME, { connection, prefix });
  return {
    queue,
    async enqueueInbound(payload) {
      await queue.add(JOB.inbound, payload, { ...JOB_OPTIONS, jobId: jobId('in', payload.inboundId) });
    },
    async enqueueInteraction(key, payload) {
      await queue.add(JOB.interaction, payload, { ...JOB_OPTIONS, jobId: jobId('click', key) });
    },
    async enqueueHome(payload) {
      await queue.add(JOB.home, payload, { ...JOB_OPTIONS, jobId: jobId('home', payload.eventId) });
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
