/**
 * Waits for every promise, then throws the first failure: work started side by side is never left running
 * unobserved when one part fails (the job retries, and each part is idempotent by its message key or token).
 */
export async function settleAll(work: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}
