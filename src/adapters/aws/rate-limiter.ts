/**
 * Spaces calls to at most `perSecond`, first come first served. CloudTrail LookupEvents allows 2 calls per
 * second per account and region (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html);
 * staying under that keeps throttling errors for real bursts only.
 */
export function createRateLimiter(perSecond: number, now: () => number = Date.now): () => Promise<void> {
  const spacingMs = 1000 / perSecond;
  let nextSlot = 0;
  return async () => {
    const at = Math.max(now(), nextSlot);
    nextSlot = at + spacingMs;
    const wait = at - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
}
