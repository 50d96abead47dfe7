import { z } from 'zod';

export const QUEUE_NAME = 'eks-access';

export const JOB = {
  inbound: 'inbound',
  interaction: 'interaction',
  apply: 'apply',
  expire: 'expire',
  remind: 'remind',
  reconcile: 'reconcile',
  /** A pending request's `pendingTimeout` passed: it lapses unless someone decided. */
  lapse: 'lapse',
  /** Reminder n to the approvers who have not acted on a pending request. */
  remindApprovers: 'remind-approvers',
  reviewReminder: 'review-reminder',
  /** app_home_opened: publish the person's Home tab. */
  home: 'home',
  /** Re-render a request's cards and "request received" reply (coalesced per request). */
  cards: 'cards',
  /** Post one channel's digest of policy approvals for one window. */
  digest: 'digest',
} as const;

export const inboundPayload = z.object({
  inboundId: z.string(),
  requestId: z.string(),
  source: z.enum(['mention', 'dm', 'command']),
  user: z.string(),
  channel: z.string(),
  ts: z.string().optional(),
  threadTs: z.string().optional(),
  text: z.string(),
  /** Lets the parser drop mentions of the bot itself wherever they appear. */
  botUserId: z.string().optional(),
});
export type InboundPayload = z.infer<typeof inboundPayload>;

const reviewClick = z.object({
  kind: z.literal('review'),
  requestId: z.string(),
  decision: z.enum(['approve', 'deny']),
  user: z.string(),
  /** From the deny modal (clipped user text). */
  reason: z.string().max(500).optional(),
  /** From the step-up modal: the cluster name the approver typed; the worker checks it again. */
  confirmedCluster: z.string().max(100).optional(),
  /** A click on a request card; absent for a click in the clicker's App Home tab, which carries `viewId`. */
  card: z.object({ channel: z.string(), ts: z.string() }).optional(),
  viewId: z.string().optional(),
});

/** Diagnose / Request access buttons: the value is a cluster name, answered in the clicked message's thread. */
const clusterClick = z.object({
  kind: z.enum(['diagnose', 'request']),
  clickId: z.string(),
  requestId: z.string(),
  cluster: z.string(),
  user: z.string(),
  channel: z.string(),
  threadTs: z.string(),
});

const migrateEntriesClick = z.object({
  kind: z.enum(['migrate-entries', 'done', 'extend', 'ack-review', 'unlink']),
  requestId: z.string(),
  user: z.string(),
  channel: z.string(),
  /** Set for clicks in the App Home tab (which has no channel; answers go to the clicker's DM). */
  viewId: z.string().optional(),
});

/** Cancel on the requester's "request received" reply; only the requester may cancel. */
const cancelClick = z.object({
  kind: z.literal('cancel'),
  requestId: z.string(),
  user: z.string(),
  channel: z.string(),
});

export const interactionPayload = z.discriminatedUnion('kind', [
  reviewClick,
  clusterClick,
  migrateEntriesClick,
  cancelClick,
]);
export type InteractionPayload = z.infer<typeof interactionPayload>;

export const homePayload = z.object({ eventId: z.string(), user: z.string() });
export type HomePayload = z.infer<typeof homePayload>;

export const digestPayload = z.object({ channel: z.string(), window: z.number().int() });

/** Every job about one stored request names it by id; the request itself is read from the store when the job runs. */
const oneRequest = { requestId: z.string() };

/** `apply`: write the request's grant (or revoke) to its cluster. */
export const applyPayload = z.object(oneRequest);

/** `expire`, `remind`, `lapse`, `review-reminder`: a timer set on one request came due. */
export const requestTimerPayload = z.object(oneRequest);

/** `cards`: re-render one request's cards and its "request received" reply. */
export const cardsPayload = z.object(oneRequest);

export const approverReminderPayload = z.object({ requestId: z.string(), n: z.number().int().min(1) });

/** BullMQ job ids may not contain ':' and must not be plain integers. */
export function jobId(kind: string, key: string): string {
  return `${kind}-${key.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** Retries with jittered exponential backoff; the last attempt marks the request failed rather than leaving it stuck. */
export const JOB_OPTIONS = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
  // Completed jobs are kept a day so a duplicate add with the same id (a Slack retry) is ignored.
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
