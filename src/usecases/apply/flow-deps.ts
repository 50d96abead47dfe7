import type { Deps } from '../ports/deps.ts';
import type { refreshCards, replyInThread } from '../support/request-conversation.ts';
import type {
  advance,
  announceOutcome,
  fail,
  failUnlessApprovalsHold,
  recordGrant,
} from '../support/request-lifecycle.ts';

/**
 * What the shared request-lifecycle and conversation helpers ask of a flow (whole `Deps` while support/ takes it
 * whole). A flow's signature is `Pick<Deps, …>` of the ports it calls itself, plus this: the part that narrows by
 * itself when those helpers do.
 */
export type LifecycleDeps = Parameters<typeof advance>[0] &
  Parameters<typeof fail>[0] &
  Parameters<typeof failUnlessApprovalsHold>[0] &
  Parameters<typeof recordGrant>[0] &
  Parameters<typeof announceOutcome>[0] &
  Parameters<typeof replyInThread>[0] &
  Parameters<typeof refreshCards>[0];

/** A flow's deps: the ports it calls itself, and what the lifecycle helpers need. */
export type FlowDeps<K extends keyof Deps> = Pick<Deps, K> & LifecycleDeps;
