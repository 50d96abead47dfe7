/** Every Redis key the store writes, under one prefix so tests and tenants never collide. */
export function storeKeys(prefix: string) {
  return {
    request: (id: string) => `${prefix}:req:${id}`,
    userRequests: (user: string) => `${prefix}:user:${user}:reqs`,
    messages: (owner: string) => `${prefix}:msgs:${owner}`,
    audit: `${prefix}:audit`,
    activeGrants: `${prefix}:grants:active`,
    /** Requests in `approved` or `applying`, scored by their last change: what the reconciler re-drives. */
    inFlight: `${prefix}:reqs:in-flight`,
    /** Where rotateActive's window over the active grants stands (a rank); the drift check now uses `cursor`. */
    activeCursor: `${prefix}:grants:active:cursor`,
    /** A reconciler rotation's position (readCursor/writeCursor); absent means the start, so no upgrade builds it. */
    cursor: (name: string) => `${prefix}:cursor:${name}`,
    activeOn: (cluster: string) => `${prefix}:grants:on:${cluster}`,
    pendingOn: (cluster: string) => `${prefix}:pending:${cluster}`,
    digest: (channel: string, window: number) => `${prefix}:digest:${channel}:${window}`,
    /** An answer every process shares (e.g. who created a cluster), and the lock of the one computing it. */
    sharedAnswer: (key: string) => `${prefix}:answer:${key}`,
    sharedAnswerLock: (key: string) => `${prefix}:answer-lock:${key}`,
    /** The stored format's version (core/request/store-schema.ts); absent on stores older than it. */
    schemaVersion: `${prefix}:schema-version`,
    /** Held by the one process upgrading the store; the others wait for the version to be current. */
    schemaUpgradeLock: `${prefix}:schema-upgrade-lock`,
    grantsFor: (cluster: string, principalArn: string) =>
      `${prefix}:grants:by:${cluster}:${principalArn.toLowerCase()}`,
  };
}
