import type { Logger } from '../shared/logger.ts';

export type Closer = { name: string; close: () => Promise<unknown> };

/** Ready after start-up, not ready from the first signal on: /readyz and the Slack intake read it. */
export interface Lifecycle {
  isReady(): boolean;
  isStopping(): boolean;
  markReady(): void;
}

export function createLifecycle(): Lifecycle & { markStopping(): void } {
  let state: 'starting' | 'ready' | 'stopping' = 'starting';
  return {
    isReady: () => state === 'ready',
    isStopping: () => state === 'stopping',
    markReady: () => {
      if (state === 'starting') state = 'ready';
    },
    markStopping: () => {
      state = 'stopping';
    },
  };
}

/** SIGTERM (Kubernetes, compose) gives 10 s by default before its SIGKILL; everything closes within it. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * On SIGTERM/SIGINT: not ready at once, then closes in reverse start order (Slack intake, the worker finishing the
 * job in flight, HTTP, Redis) under one deadline, and exits 0; a second signal, or the deadline, exits 1.
 */
export function installShutdown(
  closers: Closer[],
  lifecycle: ReturnType<typeof createLifecycle>,
  log: Logger,
  deadlineMs = SHUTDOWN_DEADLINE_MS,
): void {
  const stop = async (signal: string) => {
    if (lifecycle.isStopping()) process.exit(1);
    lifecycle.markStopping();
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ deadlineMs }, 'shutdown deadline passed; exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    for (const closer of [...closers].reverse()) {
      try {
        await closer.close();
        log.info({ part: closer.name }, 'closed');
      } catch (error) {
        log.warn({ part: closer.name, err: (error as Error).message }, 'close failed');
      }
    }
    log.info('shut down cleanly');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/**
 * BullMQ's `close()` waits for running jobs without a timeout; after `graceMs` it is forced, and a job cut off
 * that way is picked up again by another worker once its lock expires (stalled-job recovery).
 */
export async function closeWithGrace(
  close: (force: boolean) => Promise<void>,
  graceMs: number,
  log: Logger,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = close(false).then(() => 'closed' as const);
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([graceful, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    log.warn({ graceMs }, 'jobs still running at the grace deadline; closing the worker by force');
    await close(true);
  }
}
