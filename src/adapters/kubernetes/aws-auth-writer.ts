/**
 * One writer per cluster that folds every pending edit into one read-modify-write of `kube-system/aws-auth`.
 *
 * `submit` stores the edit in the cluster's pending hash (once per id), then either takes the cluster's lock and
 * writes every pending edit in one GET → fold → PUT, or waits for the holder to publish its result. Under 100
 * concurrent grants this makes a handful of writes instead of 100 writers racing on one resourceVersion: only one
 * writer wins each round (the rest get 409 Conflict), so with a small retry cap such as client-go's most would fail.
 *
 * The lock only makes batching efficient. Correctness comes from the resourceVersion precondition on every PUT and
 * from folds being idempotent: a holder that stalls past the lock TTL checks the lock before writing and, if it
 * writes anyway, gets a 409 and re-reads; an edit folded twice (its holder died after writing but before
 * answering) changes nothing the second time. Answers are stored once per submission (the first wins), and a
 * holder that lost its lock and wrote nothing stores none.
 *
 * Contract: every submitter of one cluster passes the same fold (the holder folds the edits of other processes
 * with its own), and edits are JSON-serializable. Once `submit` has stored an edit it will be applied even if the
 * caller goes away or times out; submitting the same id again returns its result (kept `resultTtlMs`) and never
 * applies it twice. A failed batch answers each of its edits with the error; submitting the id again retries.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoreV1Api } from '@kubernetes/client-node';
import { ADAPTER_ERROR_CODES, AdapterError, type AdapterErrorCode, toAdapterError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { RedisConnection as Redis } from '../queue/connection.ts';
import { type BatchOutcome, type Fold, LockLostError, type WriteRecord, writeBatch } from './aws-auth-batch.ts';
import { AwsAuthQueue, awsAuthKeys, type CommitItem, type DrainedEdit } from './aws-auth-queue.ts';

export type { Fold, WriteRecord } from './aws-auth-batch.ts';
export { awsAuthKeys } from './aws-auth-queue.ts';

/** A stable, unique name for one cluster in this deployment (the configured cluster name). */
export type ClusterKey = string;

export interface WriteOutcome<R> {
  result: R;
  /** Absent when the batch wrote nothing (the fold refused, or the data was already as wanted). */
  write?: WriteRecord;
}

export interface AwsAuthWriter {
  submit<E, R>(cluster: ClusterKey, id: string, edit: E, fold: Fold<E, R>): Promise<WriteOutcome<R>>;
}

export interface AwsAuthWriterOptions {
  redis: Redis;
  /** Key prefix; use a hash tag (`{eks-access}`) on Redis Cluster. */
  prefix: string;
  /** A client for the cluster, with a fresh token (called once per batch). */
  apiFor: (cluster: ClusterKey) => Promise<CoreV1Api>;
  now?: () => number;
  /** How long a crashed holder blocks its cluster; renewed every third of it while held. Default 10 s. */
  lockTtlMs?: number;
  /** Overall budget of one batch's read-fold-write rounds (409s and transient failures). Default 60 s. */
  deadlineMs?: number;
  /** How long `submit` waits for another holder to answer before a retryable `timeout`. Default 2 × deadlineMs. */
  waitMs?: number;
  /** How long results stay answerable to a retried submit. Default 24 h. */
  resultTtlMs?: number;
  /** Retry backoff after a 409 (full jitter, doubling up to `max`). Default 25 ms … 1 s. */
  backoffMs?: { base: number; max: number };
  log?: Pick<Logger, 'warn'>;
}

const POLL_MIN_MS = 5;
const POLL_MAX_MS = 100;

/** What the holder knows about its own edit; the error keeps its cause chain (waiters get code and text only). */
type Settled<R> = { outcome: WriteOutcome<R> } | { error: AdapterError };

export function createAwsAuthWriter(options: AwsAuthWriterOptions): AwsAuthWriter {
  const now = options.now ?? Date.now;
  const lockTtlMs = options.lockTtlMs ?? 10_000;
  const deadlineMs = options.deadlineMs ?? 60_000;
  const waitMs = options.waitMs ?? 2 * deadlineMs;
  const resultTtlMs = options.resultTtlMs ?? 24 * 3600_000;
  const backoffMs = options.backoffMs ?? { base: 25, max: 1_000 };

  async function submit<E, R>(cluster: ClusterKey, id: string, edit: E, fold: Fold<E, R>): Promise<WriteOutcome<R>> {
    const editJson: unknown = JSON.stringify(edit);
    if (typeof editJson !== 'string') throw new TypeError('aws-auth edits must be JSON-serializable');
    const queue = new AwsAuthQueue(options.redis, awsAuthKeys(options.prefix, cluster));
    try {
      const queued = await queue.enqueue(id, editJson);
      if (queued.state === 'done') return await answer<R>(queue, queued.stored);
      const waitUntil = now() + waitMs;
      let pause = POLL_MIN_MS;
      for (;;) {
        const token = randomUUID();
        const polled = await queue.poll(id, token, lockTtlMs);
        if (polled.state === 'done') return await answer<R>(queue, polled.stored);
        if (polled.state === 'lock') {
          const mine = await hold(queue, cluster, token, { id, editJson }, fold);
          if (mine && 'error' in mine) throw mine.error;
          if (mine) return mine.outcome;
          continue; // lock lost before writing, or answered by someone else: poll again
        }
        if (now() >= waitUntil) {
          throw new AdapterError('timeout', true, { upstream: `no aws-auth result for ${id} within ${waitMs} ms` });
        }
        await sleep(pause * (0.5 + Math.random() / 2));
        pause = Math.min(POLL_MAX_MS, pause * 1.5);
      }
    } catch (error) {
      if (error instanceof AdapterError) throw error;
      throw new AdapterError('redis_unavailable', true, { cause: error, upstream: 'aws-auth queue' });
    }
  }

  /** Holding the lock: write every pending edit in one batch, answer them all, release. */
  async function hold<E, R>(
    queue: AwsAuthQueue,
    cluster: ClusterKey,
    token: string,
    own: { id: string; editJson: string },
    fold: Fold<E, R>,
  ): Promise<Settled<R> | undefined> {
    let isLost = false;
    const renewal = setInterval(() => {
      queue.renew(token, lockTtlMs).then(
        (held) => {
          if (!held) isLost = true;
        },
        () => undefined, // Redis hiccup: the check before the write decides
      );
    }, lockTtlMs / 3);
    renewal.unref();
    try {
      // Idempotent: answers at once if a late holder committed it, re-queues it if the pending entry was lost.
      const queued = await queue.enqueue(own.id, own.editJson);
      if (queued.state === 'done') return await settle<R>(queue, queued.stored);
      const drained = await queue.drain();
      const outcome = await runBatch(cluster, drained, fold, {
        isStillHolder: async () => !isLost && (await queue.renew(token, lockTtlMs)),
      });
      if (outcome === undefined) return undefined;
      const answered = await commit(queue, drained, outcome, token);
      // Not answered by this commit: someone else's answer is stored; the caller polls for it.
      if (!answered?.has(own.id)) return undefined;
      const error = outcome.failures.get(own.id);
      if (error) return { error };
      const result = outcome.results.get(own.id) as R;
      return { outcome: outcome.write ? { result, write: outcome.write } : { result } };
    } finally {
      clearInterval(renewal);
      await queue.release(token).catch(() => undefined); // expires on its own
    }
  }

  /** undefined: the lock was lost before anything was written; the edits stay pending for the new holder. */
  async function runBatch<E, R>(
    cluster: ClusterKey,
    drained: readonly DrainedEdit[],
    fold: Fold<E, R>,
    lock: { isStillHolder: () => Promise<boolean> },
  ): Promise<BatchOutcome<R> | undefined> {
    const failures = new Map<string, AdapterError>();
    const edits: { id: string; edit: E }[] = [];
    for (const item of drained) {
      try {
        edits.push({ id: item.id, edit: JSON.parse(item.editJson) as E });
      } catch (cause) {
        failures.set(item.id, new AdapterError('unknown', false, { cause, upstream: 'unreadable pending edit' }));
      }
    }
    if (edits.length === 0) return { results: new Map(), failures };
    try {
      const api = await options.apiFor(cluster);
      const outcome = await writeBatch(api, edits, fold, {
        now,
        deadlineMs,
        backoffMs,
        isStillHolder: lock.isStillHolder,
        onRetry: (detail) => options.log?.warn({ cluster, ...detail }, 'aws-auth write conflicted; retrying'),
      });
      for (const [id, error] of failures) outcome.failures.set(id, error);
      return outcome;
    } catch (error) {
      if (error instanceof LockLostError) return undefined;
      const failure = toAdapterError(error);
      for (const { id } of edits) failures.set(id, failure);
      return { results: new Map(), failures };
    }
  }

  async function commit<R>(
    queue: AwsAuthQueue,
    drained: readonly DrainedEdit[],
    outcome: BatchOutcome<R>,
    token: string,
  ): Promise<Set<string> | undefined> {
    const write = outcome.write && { id: randomUUID(), json: JSON.stringify(outcome.write) };
    const items: CommitItem[] = [];
    for (const { id, raw } of drained) {
      const failure = outcome.failures.get(id);
      if (failure) {
        const { code, retryable, upstream } = failure;
        items.push({ id, raw, value: `err:${JSON.stringify({ code, retryable, upstream })}` });
      } else if (outcome.results.has(id)) {
        const ok = { result: outcome.results.get(id), ...(write ? { writeId: write.id } : {}) };
        items.push({ id, raw, value: `ok:${JSON.stringify(ok)}` });
      }
    }
    return await queue.commit(items, write, { token }, resultTtlMs);
  }

  return { submit };
}

async function settle<R>(queue: AwsAuthQueue, stored: string): Promise<Settled<R>> {
  try {
    return { outcome: await answer<R>(queue, stored) };
  } catch (error) {
    if (error instanceof AdapterError) return { error };
    throw error;
  }
}

/** A stored answer: the outcome, or the batch's error as an AdapterError (code, retry flag and text survive). */
async function answer<R>(queue: AwsAuthQueue, stored: string): Promise<WriteOutcome<R>> {
  if (stored.startsWith('err:')) {
    const error = JSON.parse(stored.slice(4)) as { code?: string; retryable?: boolean; upstream?: string };
    const code = ADAPTER_ERROR_CODES.find((known): known is AdapterErrorCode => known === error.code) ?? 'unknown';
    throw new AdapterError(code, error.retryable === true, error.upstream ? { upstream: error.upstream } : {});
  }
  const ok = JSON.parse(stored.slice(3)) as { result: R; writeId?: string };
  const write = ok.writeId === undefined ? null : await queue.readWrite(ok.writeId);
  return write === null ? { result: ok.result } : { result: ok.result, write: JSON.parse(write) as WriteRecord };
}
