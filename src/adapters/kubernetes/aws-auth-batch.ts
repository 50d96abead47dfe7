/**
 * One read-modify-write of aws-auth for a batch of edits: GET → fold → PUT with the resourceVersion, and on 409 GET
 * again and fold again (stale data is never reused), with jittered backoff under an overall deadline. A fixed small
 * attempt count (client-go's `retry.DefaultRetry`, 5 × 10 ms) is the wrong tool: while someone outside eks-access
 * keeps writing the object, each attempt can lose the race, and a deadline bounds the wait where a count does not.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, type CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { AdapterError } from '../../shared/errors.ts';
import { createAwsAuth, readAwsAuthObject, replaceAwsAuth } from './aws-auth-object.ts';
import { toKubernetesError } from './cluster-api.ts';

/**
 * The pure edit logic, applied to every pending edit of a cluster at once. `data` is undefined when the ConfigMap
 * does not exist. Return the complete new data (every key the ConfigMap should keep: the writer never adds or drops
 * keys itself), or `data: undefined` to write nothing, and one result per edit id. Must be deterministic and
 * idempotent: after a 409 it runs again on fresh data, and an edit whose write landed just before its holder died
 * is folded again by the next one.
 */
export type Fold<E, R> = (
  data: Readonly<Record<string, string>> | undefined,
  edits: readonly { id: string; edit: E }[],
) => { data: Record<string, string> | undefined; results: Record<string, R> };

/** What one write did; the same record for every edit of its batch (`resourceVersionAfter` identifies it). */
export interface WriteRecord {
  /** Absent when the write created the ConfigMap. */
  resourceVersionBefore?: string;
  resourceVersionAfter: string;
  /** The data the write replaced (absent on create), for history and restore. */
  previousData?: Record<string, string>;
  /** Edits folded into this write. */
  batchSize: number;
  /** Read-fold-write rounds it took (1 without conflicts). */
  attempts: number;
}

export interface BatchOutcome<R> {
  results: Map<string, R>;
  /** Edits that could not be folded (the fold threw for them alone, or returned no result). */
  failures: Map<string, AdapterError>;
  write?: WriteRecord;
}

export interface BatchOptions {
  now: () => number;
  deadlineMs: number;
  backoffMs: { base: number; max: number };
  /** Checked right before each PUT/POST: false means another holder took over, and this batch must not write. */
  isStillHolder: () => Promise<boolean>;
  onRetry?: (detail: { attempt: number; status: number | undefined; delayMs: number }) => void;
}

/** Thrown when the lock was lost before a write: nothing was written, the edits stay pending for the new holder. */
export class LockLostError extends Error {
  constructor() {
    super('aws-auth writer lock lost before the write');
    this.name = 'LockLostError';
  }
}

export async function writeBatch<E, R>(
  api: CoreV1Api,
  edits: readonly { id: string; edit: E }[],
  fold: Fold<E, R>,
  options: BatchOptions,
): Promise<BatchOutcome<R>> {
  const deadline = options.now() + options.deadlineMs;
  for (let attempt = 1; ; attempt++) {
    const current = await readAwsAuthObject(api).catch((error: unknown) => {
      throw toKubernetesError(error);
    });
    const before = current?.data;
    const folded = foldIsolated(before, edits, fold);
    const outcome = { results: folded.results, failures: folded.failures };
    if (folded.data === undefined || (before !== undefined && sameData(before, folded.data))) return outcome;
    if (!(await options.isStillHolder())) throw new LockLostError();
    try {
      const written = await putOrCreate(api, current, folded.data);
      const write: WriteRecord = {
        ...(current ? { resourceVersionBefore: current.metadata?.resourceVersion ?? '' } : {}),
        resourceVersionAfter: written.metadata?.resourceVersion ?? '',
        ...(before ? { previousData: { ...before } } : {}),
        batchSize: edits.length,
        attempts: attempt,
      };
      return { ...outcome, write };
    } catch (error) {
      const status = error instanceof ApiException ? error.code : undefined;
      const adapterError = toKubernetesError(error);
      // 409: someone wrote in between (or created the object we meant to create). 404: it was deleted after our
      // read; the next round creates it again. Anything else retryable (5xx, 429, network) gets the same treatment.
      const isRetryable = status === 409 || status === 404 || adapterError.retryable;
      if (!isRetryable) throw adapterError;
      const delayMs = backoff(attempt, options.backoffMs);
      if (options.now() + delayMs > deadline) {
        throw new AdapterError('timeout', true, {
          cause: adapterError,
          upstream: `aws-auth write gave up after ${attempt} attempts in ${options.deadlineMs} ms (last: ${status ?? 'network'})`,
        });
      }
      options.onRetry?.({ attempt, status, delayMs });
      await sleep(delayMs);
    }
  }
}

async function putOrCreate(api: CoreV1Api, current: V1ConfigMap | undefined, data: Record<string, string>) {
  return current ? await replaceAwsAuth(api, current, data) : await createAwsAuth(api, data);
}

/** "Full jitter": uniform in [base/2, min(max, base·2^(attempt-1))], so 100 retrying writers spread out. */
function backoff(attempt: number, { base, max }: { base: number; max: number }): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt - 1, 20));
  return Math.round(base / 2 + Math.random() * Math.max(0, ceiling - base / 2));
}

function sameData(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/**
 * Folds the batch; when the fold throws, finds the edits it throws for alone and folds the others without them, so
 * one poisonous edit fails on its own instead of taking its whole batch down.
 */
function foldIsolated<E, R>(
  data: Readonly<Record<string, string>> | undefined,
  edits: readonly { id: string; edit: E }[],
  fold: Fold<E, R>,
): { data: Record<string, string> | undefined; results: Map<string, R>; failures: Map<string, AdapterError> } {
  const failures = new Map<string, AdapterError>();
  let healthy = edits;
  let folded = tryFold(data, healthy, fold);
  if (folded instanceof Error && edits.length > 1) {
    healthy = edits.filter((item) => {
      const alone = tryFold(data, [item], fold);
      if (alone instanceof Error) failures.set(item.id, alone);
      return !(alone instanceof Error);
    });
    folded = healthy.length === 0 ? { data: undefined, results: {} } : tryFold(data, healthy, fold);
  }
  if (folded instanceof Error) {
    for (const item of healthy) failures.set(item.id, folded);
    return { data: undefined, results: new Map(), failures };
  }
  const results = new Map<string, R>();
  for (const item of healthy) {
    if (Object.hasOwn(folded.results, item.id)) results.set(item.id, folded.results[item.id] as R);
    else
      failures.set(item.id, new AdapterError('unknown', false, { upstream: 'the aws-auth fold returned no result' }));
  }
  return { data: folded.data, results, failures };
}

function tryFold<E, R>(
  data: Readonly<Record<string, string>> | undefined,
  edits: readonly { id: string; edit: E }[],
  fold: Fold<E, R>,
): ReturnType<Fold<E, R>> | AdapterError {
  try {
    // Each round gets its own copy: a fold that mutates its input must not leak into the next round.
    return fold(data === undefined ? undefined : Object.freeze({ ...data }), edits);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return new AdapterError('unknown', false, { cause: error, upstream: `aws-auth fold failed: ${message}` });
  }
}
