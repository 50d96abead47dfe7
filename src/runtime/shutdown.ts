import type { Logger } from '../shared/logger.ts';

export type Closer = { name: string; close: () => Promise<unknown> };

/** Closes in reverse start order under one deadline, then exits; a second signal exits at once. */
export function installShutdown(closers: Closer[], log: Logger, deadlineMs = 10_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ deadlineMs }, 'shutdown deadline passed; exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    for (const closer of [...closers].reverse()) {
      try {
        await closer.close();
      } catch (error) {
        log.warn({ part: closer.name, err: (error as Error).message }, 'close failed');
      }
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
