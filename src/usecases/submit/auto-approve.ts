import { type AutoApproveDecision, decideAutoApprove } from '../../core/request/approval.ts';
import { type AccessRequest, kindOf } from '../../core/request/request.ts';
import { autoApproveRuleOf, type ClusterSettings } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { transitionRequest } from '../support/request-lifecycle.ts';

export type AutoApproveOutcome = { request: AccessRequest; decision: AutoApproveDecision };

/**
 * A new pending request on an auto-approved level, filed by the person it is for: the cap (if any), counted per
 * subject, is taken atomically in Redis, then the request moves to `approved` by policy, is audited with actor
 * `policy`, and goes to the apply job. At the cap, or filed for someone else, it stays pending for a person. Safe to re-run: the quota is idempotent per request and a decided request is kept.
 */
export async function autoApproveIfAllowed(
  deps: Pick<Deps, 'autoApprovals' | 'clock' | 'queue' | 'store'>,
  request: AccessRequest,
  cluster: ClusterSettings,
): Promise<AutoApproveOutcome> {
  const configured = autoApproveRuleOf(cluster, request.level);
  // A grant to a whole shared role needs a person's step-up, whatever the level's policy says.
  const rule = request.sharedRole ? { ...configured, isAutoLevel: false } : configured;
  const isForSomeoneElse = request.requester !== request.subject;
  let decision = decideAutoApprove({
    kind: kindOf(request),
    isAutoLevel: rule.isAutoLevel,
    isForSomeoneElse,
    usedInPeriod: 0,
  });
  if (decision.auto && rule.cap) {
    const taken = await deps.autoApprovals.take({
      cluster: cluster.name,
      // The cap is the person who gets access, whoever files: others cannot spend it or widen it.
      user: request.subject,
      requestId: request.id,
      now: deps.clock.now(),
      periodMs: rule.cap.periodMs,
      max: rule.cap.count,
    });
    decision = decideAutoApprove({
      kind: kindOf(request),
      isAutoLevel: true,
      isForSomeoneElse,
      cap: rule.cap,
      // A refused take means the period is full, whatever the counter said a moment ago.
      usedInPeriod: taken.isTaken ? taken.usedBefore : Math.max(taken.usedBefore, rule.cap.count),
    });
  }
  if (!decision.auto || request.status !== 'pending') {
    if (request.status === 'approved' && request.autoApproval) await deps.queue.enqueueApply(request.id);
    return { request, decision };
  }
  const at = deps.clock.now();
  // Its `approved` audit event (actor `policy`, with the allowance left) is written with the transition.
  const approved = await transitionRequest(deps, request.id, {
    type: 'auto_approve',
    at,
    info: { at, ...(decision.allowance ? { allowance: decision.allowance } : {}) },
  });
  await deps.queue.enqueueApply(request.id);
  return { request: approved, decision };
}
