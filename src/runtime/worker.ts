import type { Worker } from 'bullmq';
import {
  applyPayload,
  approverReminderPayload,
  cardsPayload,
  digestPayload,
  homePayload,
  inboundPayload,
  interactionPayload,
  JOB,
  requestTimerPayload,
} from '../adapters/queue/jobs.ts';
import { createWorker } from '../adapters/queue/worker.ts';
import { slackMessageText } from '../adapters/slack/inbound-text.ts';
import type { Env } from '../config/env.ts';
import { redactLinkTokens } from '../core/identity/link-token.ts';
import { asPersonId, asRequestId } from '../core/ids.ts';
import type { Logger } from '../shared/logger.ts';
import { applyRequest } from '../usecases/apply/apply-request.ts';
import { remindReview } from '../usecases/break-glass/break-glass.ts';
import { endGrant } from '../usecases/end/end-grant.ts';
import { remindBeforeExpiry } from '../usecases/extend/extend-grant.ts';
import { handleClick } from '../usecases/inbound/handle-click.ts';
import { handleMessage } from '../usecases/inbound/handle-message.ts';
import { reconcile, redriveStuckRequests } from '../usecases/reconcile/reconcile.ts';
import { publishHome } from '../usecases/report/home-tab.ts';
import { lapseRequest } from '../usecases/review/lapse-request.ts';
import { postDigest } from '../usecases/review/policy-digest.ts';
import { remindApprovers } from '../usecases/review/remind-approvers.ts';
import { refreshCardsNow } from '../usecases/support/request-conversation.ts';
import type { Composition } from './compose.ts';

/** The BullMQ worker that runs every use case off the Slack ack path. */
export function startWorker(env: Env, composition: Composition, log: Logger): Worker {
  const { deps } = composition;
  return createWorker(
    composition.workerRedis,
    env.redisPrefix,
    env.worker,
    {
      [JOB.inbound]: async (job, isFinal, log) => {
        const payload = inboundPayload.parse(job.data);
        let isDone = false;
        try {
          const result = await handleMessage(deps, {
            ...payload,
            requestId: asRequestId(payload.requestId),
            // Inbound jobs store the text as Slack sent it; the parser reads it decoded.
            text: slackMessageText(payload.text),
            ...(payload.ts ? { ts: payload.ts } : {}),
            ...(payload.threadTs ? { threadTs: payload.threadTs } : {}),
            ...(payload.botUserId ? { botUserId: payload.botUserId } : {}),
          });
          isDone = true;
          log.info({ inbound: payload.inboundId, result: result.kind }, 'inbound handled');
          return result;
        } finally {
          // A `link` token must not outlive its answer in the kept job (completed jobs stay a day for de-duplication).
          const redacted = redactLinkTokens(payload.text);
          if ((isDone || isFinal) && redacted !== payload.text) await job.updateData({ ...payload, text: redacted });
        }
      },
      [JOB.interaction]: async (job, _final, log) => {
        const payload = interactionPayload.parse(job.data);
        const result = await handleClick(deps, payload);
        log.info({ kind: payload.kind, cluster: 'cluster' in payload ? payload.cluster : undefined }, 'click handled');
        return result;
      },
      [JOB.expire]: async (job, _final, log) => {
        const payload = requestTimerPayload.parse(job.data);
        const result = await endGrant(deps, asRequestId(payload.requestId), { reason: 'expired' });
        log.info({ request: payload.requestId, status: result.status }, 'expiry handled');
        return result;
      },
      [JOB.remind]: async (job) => {
        const payload = requestTimerPayload.parse(job.data);
        await remindBeforeExpiry(deps, asRequestId(payload.requestId));
      },
      [JOB.lapse]: async (job, _final, log) => {
        const payload = requestTimerPayload.parse(job.data);
        const result = await lapseRequest(deps, asRequestId(payload.requestId));
        log.info({ request: payload.requestId, status: result.status }, 'pending timeout handled');
        return result;
      },
      [JOB.remindApprovers]: async (job) => {
        const payload = approverReminderPayload.parse(job.data);
        return await remindApprovers(deps, asRequestId(payload.requestId), payload.n);
      },
      [JOB.reviewReminder]: async (job) => {
        const payload = requestTimerPayload.parse(job.data);
        return await remindReview(deps, asRequestId(payload.requestId));
      },
      [JOB.reconcile]: async (_job, _final, log) => {
        const result = await reconcile(deps);
        if (result.expired > 0 || result.failed > 0) log.info(result, 'reconciled overdue grants');
        const redrive = await redriveStuckRequests(deps, env.worker.redriveAfterMs);
        if (redrive.redriven > 0) log.info(redrive, 're-drove stuck requests');
        if ((result.drift?.drifted ?? 0) > 0 || (result.drift?.failed ?? 0) > 0) log.warn(result.drift, 'drift found');
        return { ...result, ...redrive };
      },
      [JOB.home]: async (job) => {
        const payload = homePayload.parse(job.data);
        return publishHome(deps, asPersonId(payload.user));
      },
      [JOB.cards]: async (job) => {
        const payload = cardsPayload.parse(job.data);
        return { updated: await refreshCardsNow(deps, asRequestId(payload.requestId)) };
      },
      [JOB.digest]: async (job) => {
        const payload = digestPayload.parse(job.data);
        return await postDigest(deps, payload.channel, payload.window);
      },
      [JOB.apply]: async (job, isFinalAttempt, log) => {
        const payload = applyPayload.parse(job.data);
        const result = await applyRequest(deps, asRequestId(payload.requestId), isFinalAttempt);
        log.info({ request: payload.requestId, status: result.status }, 'apply handled');
        return result;
      },
    },
    log,
  );
}
