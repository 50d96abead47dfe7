import { Queue } from 'bullmq';
import type { RequestId } from '../../core/ids.ts';
import type { Logger } from '../../shared/logger.ts';
import type { JobQueue } from '../../usecases/ports/requests.ts';
import type { RedisConnection as Redis } from './connection.ts';
import {
  type HomePayload,
  type InboundPayload,
  type InteractionPayload,
  JOB,
  JOB_OPTIONS,
  jobId,
  QUEUE_NAME,
} from './jobs.ts';
import { createReplicaWait, type ReplicaWaitOptions } from './replica-wait.ts';

export interface Producer extends JobQueue {
  enqueueInbound(payload: InboundPayload): Promise<void>;
  enqueueInteraction(key: string, payload: InteractionPayload): Promise<void>;
  enqueueHome(payload: HomePayload): Promise<void>;
  scheduleReconciler(everyMs: number): Promise<void>;
  queue: Queue;
  close(): Promise<void>;
}

/** How long one reconciler's re-drive of a request keeps the others off it. */
const REDRIVE_CLAIM_MS = 5_000;
/** How long Home-tab refreshes of one user are gathered into one views.publish. */
const HOME_REFRESH_WINDOW_MS = 1_500;

/**
 * How long a request's card refresh waits, gathering the changes made meanwhile: approve → applying → granted
 * within it is one chat.update per card instead of three.
 */
const CARD_REFRESH_DELAY_MS = 750;

/**
 * The line is written on the next turn of the event loop, after Bolt has answered Slack: a log write (synchronous
 * in pino) is not what Slack should wait for. The job is stored either way; only the log line could be lost.
 */
function logAfterAnswer(log: Logger | undefined, fields: Record<string, string>, message: string): void {
  if (log) setImmediate(() => log.info(fields, message));
}

/** With `log`, each stored Slack request is logged with its request id, which the worker's lines carry too. */
export function createProducer(
  connection: Redis,
  prefix: string,
  log?: Logger,
  replicas?: Omit<ReplicaWaitOptions, 'recheckMs'>,
): Producer {
  const queue = new Queue(QUEUE_NAME, { connection, prefix });
  // Only what Slack will not send again waits for replicas: the three adds made before Slack is answered.
  // BullMQ writes through the connection it was given (a Queue never duplicates it), so WAIT on it covers the add.
  const replicated = replicas ? createReplicaWait(async () => connection, { ...replicas, slotKey: prefix }) : undefined;
  return {
    queue,
    async enqueueInbound(payload) {
      const id = jobId('in', payload.inboundId);
      await queue.add(JOB.inbound, payload, { ...JOB_OPTIONS, jobId: id });
      await replicated?.afterWrite();
      logAfterAnswer(log, { requestId: payload.requestId, job: id, source: payload.source }, 'slack request stored');
    },
    async enqueueInteraction(key, payload) {
      const id = jobId('click', key);
      await queue.add(JOB.interaction, payload, { ...JOB_OPTIONS, jobId: id });
      await replicated?.afterWrite();
      logAfterAnswer(log, { requestId: payload.requestId, job: id, kind: payload.kind }, 'slack click stored');
    },
    async enqueueHome(payload) {
      await queue.add(JOB.home, payload, { ...JOB_OPTIONS, jobId: jobId('home', payload.eventId) });
      await replicated?.afterWrite();
    },
    async enqueueHomeRefresh(user) {
      // Throttled per user: one job per window, run at its end, reading the state as it is then, so every change
      // made inside the window is shown. BullMQ's deduplication ignores adds while the key lives.
      await queue.add(
        JOB.home,
        { eventId: `refresh-${user}`, user },
        {
          ...JOB_OPTIONS,
          delay: HOME_REFRESH_WINDOW_MS,
          deduplication: { id: jobId('home-refresh', user), ttl: HOME_REFRESH_WINDOW_MS },
        },
      );
    },
    async enqueueCardRefresh(requestId: RequestId) {
      // One refresh waiting per request, run after a short delay from the state as it is then; a change made while
      // it runs is kept (keepLastIfActive) and gets exactly one more.
      await queue.add(
        JOB.cards,
        { requestId },
        {
          ...JOB_OPTIONS,
          delay: CARD_REFRESH_DELAY_MS,
          deduplication: { id: jobId('cards', requestId), keepLastIfActive: true },
        },
      );
    },
    async enqueueDigest(channel: string, window: number, at: number) {
      await queue.add(
        JOB.digest,
        { channel, window },
        { ...JOB_OPTIONS, jobId: jobId('digest', `${channel}-${window}`), delay: Math.max(0, at - Date.now()) },
      );
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
    async enqueueLapse(requestId: RequestId, at: number) {
      await queue.add(
        JOB.lapse,
        { requestId },
        { ...JOB_OPTIONS, jobId: jobId('lapse', requestId), delay: Math.max(0, at - Date.now()) },
      );
    },
    async enqueueApproverReminder(requestId: RequestId, n: number, at: number) {
      // One id per (request, n): a retried job re-adding reminder n+1 collapses into the one already scheduled.
      await queue.add(
        JOB.remindApprovers,
        { requestId, n },
        { ...JOB_OPTIONS, jobId: jobId('nudge', `${requestId}-${n}`), delay: Math.max(0, at - Date.now()) },
      );
    },
    async enqueueReviewReminder(requestId: RequestId, at: number, round: number) {
      // One job id per round: a completed job's id is kept a day, so re-using one would silently drop the next.
      await queue.add(
        JOB.reviewReminder,
        { requestId },
        { ...JOB_OPTIONS, jobId: jobId('review', `${requestId}-${round}`), delay: Math.max(0, at - Date.now()) },
      );
    },
    async enqueueApply(requestId: RequestId) {
      await queue.add(JOB.apply, { requestId }, { ...JOB_OPTIONS, attempts: 8, jobId: jobId('apply', requestId) });
    },
    async redriveApply(requestId: RequestId) {
      // Reconciler runs can overlap (one per worker start plus the schedule): one re-drive per request per window.
      const claimed = await connection.set(`${prefix}:redrive:${requestId}`, '1', 'PX', REDRIVE_CLAIM_MS, 'NX');
      if (claimed !== 'OK') return false;
      const id = jobId('apply', requestId);
      const job = await queue.getJob(id);
      const state = job ? await job.getState() : 'unknown';
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
      try {
        // A finished job keeps its id (and its stall and attempt counts): remove it so the new one starts afresh.
        await job?.remove();
      } catch {
        return false; // a worker took it in the meantime
      }
      await this.enqueueApply(requestId);
      return true;
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
