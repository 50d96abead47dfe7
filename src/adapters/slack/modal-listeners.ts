import { z } from 'zod';
import { asRequestId } from '../../core/ids.ts';
import { accessPolicyArn } from '../../core/levels.ts';
import { ACTIONS } from '../../core/messages/message.ts';
import { stepUpPrompt, stepUpSummary } from '../../core/messages/step-up-text.ts';
import { needsStepUp } from '../../core/request/step-up.ts';
import type { Settings } from '../../core/settings.ts';
import { findCluster, partitionOfCluster } from '../../core/settings.ts';
import { toAdapterError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { AuditLog } from '../../usecases/ports/audit.ts';
import type { RequestStore } from '../../usecases/ports/requests.ts';
import type { Producer } from '../queue/producer.ts';
import type { ListenerRouter } from './listener-router.ts';
import { homeAction, reviewAction } from './payloads.ts';
import { DENY_REASON_MAX, denyReasonModal, MODAL_INPUTS, type ModalMetadata, stepUpModal } from './render/modals.ts';
import { mrkdwn } from './render/mrkdwn.ts';
import { SLACK_ACTION_IDS, SLACK_VIEWS } from './render/wire-ids.ts';

/** What the modal listeners read besides the queue: the stored request (milliseconds, in Redis) and the audit trail. */
export interface ModalDeps {
  requests: Pick<RequestStore, 'get'>;
  audit: AuditLog;
  settings: Settings;
  log: Logger;
}

const MAX_BUTTON_VALUE_STORED = 64;

const modalMetadata = z.object({
  requestId: z.string().max(MAX_BUTTON_VALUE_STORED),
  channel: z.string().max(40),
  ts: z.string().max(40),
  cluster: z.string().max(100).optional(),
  viewId: z.string().max(40).optional(),
});

const viewSubmission = z.object({
  user: z.object({ id: z.string() }),
  view: z.object({
    id: z.string(),
    private_metadata: z.string(),
    state: z.object({
      values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }))),
    }),
  }),
});

/**
 * Deny and step-up Approve open a modal; its submission is what gets stored. `views.open` must be called within
 * Slack's 3 s trigger window, so it happens here in the web process (no AWS involved, nothing to persist first).
 * Submissions are persisted as interaction jobs (job id from the view id) before the ack closes the modal.
 */
export function registerModalListeners(router: ListenerRouter, producer: Producer, deps: ModalDeps): void {
  router.action(SLACK_ACTION_IDS[ACTIONS.deny], async ({ body, action, ack, client }) => {
    const source = clickSource(body);
    if (source) {
      const metadata: ModalMetadata = { requestId: buttonValue(action), ...source.where };
      await openModal(deps, () => client.views.open({ trigger_id: source.triggerId, view: denyReasonModal(metadata) }));
    }
    await ack();
  });

  router.action(SLACK_ACTION_IDS[ACTIONS.approveStepUp], async ({ body, action, ack, client }) => {
    const source = clickSource(body);
    if (source) {
      const requestId = buttonValue(action);
      const request = await deps.requests.get(asRequestId(requestId));
      const cluster = request ? findCluster(deps.settings, request.cluster) : undefined;
      if (request?.status === 'pending' && cluster && needsStepUp(request, cluster.stepUpLevels)) {
        const metadata: ModalMetadata = { requestId, ...source.where, cluster: request.cluster };
        const view = stepUpModal(
          metadata,
          mrkdwn(stepUpSummary(request, accessPolicyArn(request.level, partitionOfCluster(cluster)))),
          stepUpPrompt(request.cluster).label,
        );
        await openModal(deps, () => client.views.open({ trigger_id: source.triggerId, view }));
      } else {
        // Decided, unknown or no longer a step-up level: the worker answers the clicker with the reason.
        await producer.enqueueInteraction(source.triggerId, {
          kind: 'review',
          requestId,
          decision: 'approve',
          user: source.user,
          ...reviewTarget(source.where),
        });
      }
    }
    await ack();
  });

  router.view(SLACK_VIEWS.denyReason, async ({ body, ack }) => {
    const submitted = readSubmission(body);
    if (submitted) {
      const typed = submitted.value(MODAL_INPUTS.reason.block, MODAL_INPUTS.reason.action);
      const reason = typed.replace(/\s+/g, ' ').trim().slice(0, DENY_REASON_MAX);
      await producer.enqueueInteraction(`view-${submitted.viewId}`, {
        kind: 'review',
        requestId: submitted.metadata.requestId,
        decision: 'deny',
        user: submitted.user,
        ...reviewTarget(submitted.metadata),
        ...(reason ? { reason } : {}),
      });
    }
    await ack();
  });

  router.view(SLACK_VIEWS.stepUp, async ({ body, ack }) => {
    const submitted = readSubmission(body);
    if (!submitted?.metadata.cluster) {
      await ack();
      return;
    }
    const typed = submitted.value(MODAL_INPUTS.cluster.block, MODAL_INPUTS.cluster.action).trim().slice(0, 100);
    const cluster = submitted.metadata.cluster;
    if (typed !== cluster) {
      // Nothing is approved; the refusal is on record, and the modal stays open with the error beside the field.
      await deps.audit.append({
        type: 'refused',
        at: Date.now(),
        actor: submitted.user,
        requestId: submitted.metadata.requestId,
        cluster,
        detail: { code: 'step_up_mismatch', decision: 'approve' },
      });
      await ack({
        response_action: 'errors',
        errors: { [MODAL_INPUTS.cluster.block]: stepUpPrompt(cluster).mismatch },
      });
      return;
    }
    await producer.enqueueInteraction(`view-${submitted.viewId}`, {
      kind: 'review',
      requestId: submitted.metadata.requestId,
      decision: 'approve',
      user: submitted.user,
      ...reviewTarget(submitted.metadata),
      confirmedCluster: typed,
    });
    await ack();
  });

  router.action(SLACK_ACTION_IDS[ACTIONS.cancel], async ({ body, action, ack }) => {
    const source = clickSource(body);
    if (source) {
      // From the Home tab there is no channel: the answer goes to the clicker's DM. Only the requester (or the person
      // the request is for, from their DM) may cancel: the worker checks the clicker against the stored request.
      await producer.enqueueInteraction(source.triggerId, {
        kind: 'cancel',
        requestId: buttonValue(action),
        user: source.user,
        channel: source.where.channel,
      });
    }
    await ack();
  });
}

/**
 * Who clicked, and where the answer goes: the card's message, or, for a click in the clicker's Home tab, the view
 * they were shown (no channel). Undefined for a payload that is neither.
 */
function clickSource(
  body: unknown,
): { triggerId: string; user: string; where: { channel: string; ts: string; viewId?: string } } | undefined {
  const parsed = reviewAction.safeParse(body);
  if (parsed.success) {
    const { trigger_id: triggerId, user, container } = parsed.data;
    return { triggerId, user: user.id, where: { channel: container.channel_id, ts: container.message_ts } };
  }
  const fromHome = homeAction.safeParse(body);
  if (!fromHome.success) return undefined;
  const { trigger_id: triggerId, user, container } = fromHome.data;
  return { triggerId, user: user.id, where: { channel: '', ts: '', viewId: container.view_id } };
}

/** Where a review answers: the Home view it came from, or the card. */
function reviewTarget(where: {
  channel: string;
  ts: string;
  viewId?: string | undefined;
}): { viewId: string } | { card: { channel: string; ts: string } } {
  return where.viewId ? { viewId: where.viewId } : { card: { channel: where.channel, ts: where.ts } };
}

function buttonValue(action: unknown): string {
  return String((action as { value?: unknown }).value ?? '').slice(0, MAX_BUTTON_VALUE_STORED);
}

/** A modal that could not open changes nothing; the person can click again (a new trigger). */
async function openModal(deps: ModalDeps, open: () => Promise<unknown>): Promise<void> {
  try {
    await open();
  } catch (error) {
    const adapterError = toAdapterError(error);
    deps.log.warn({ code: adapterError.code, upstream: adapterError.upstream }, 'could not open a modal');
  }
}

function readSubmission(body: unknown) {
  const parsed = viewSubmission.safeParse(body);
  if (!parsed.success) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(parsed.data.view.private_metadata);
  } catch {
    return undefined;
  }
  const metadata = modalMetadata.safeParse(raw);
  if (!metadata.success) return undefined;
  const values = parsed.data.view.state.values;
  return {
    viewId: parsed.data.view.id,
    user: parsed.data.user.id,
    metadata: metadata.data,
    value: (block: string, action: string) => values[block]?.[action]?.value ?? '',
  };
}
