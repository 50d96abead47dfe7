import type { Level } from '../levels.ts';
import type { Refusal } from '../refusals.ts';
import { type AccessRequest, kindOf } from './request.ts';

/** Levels that need a step-up when the cluster's config names none (`stepUpLevels`). */
export const DEFAULT_STEP_UP_LEVELS: readonly Level[] = ['cluster-admin'];

/**
 * Whether approving this request needs the approver to retype the cluster name: a grant (or extension) of a
 * step-up level, and always a mode migration (it can never be undone) or a lock-out recovery (cluster-admin for
 * someone, often with a mode switch). Those two also keep their rule of two approvers besides the people involved.
 * A grant to a shared role (`sharedRole`: it reaches everyone who signs in to it) needs it at any level.
 */
export function needsStepUp(request: AccessRequest, stepUpLevels: readonly Level[] = DEFAULT_STEP_UP_LEVELS): boolean {
  return kindOf(request) !== 'grant' || stepUpLevels.includes(request.level) || request.sharedRole !== undefined;
}

/**
 * The step-up check itself: the typed name must be the request's cluster (surrounding spaces ignored, exact case,
 * so a near miss does not pass). Undefined when the approval may proceed.
 */
export function checkStepUp(
  request: AccessRequest,
  stepUpLevels: readonly Level[] | undefined,
  confirmedCluster: string | undefined,
): Refusal | undefined {
  if (!needsStepUp(request, stepUpLevels)) return undefined;
  if (confirmedCluster === undefined) return { code: 'step_up_required', cluster: request.cluster };
  if (confirmedCluster.trim() !== request.cluster) return { code: 'step_up_mismatch', cluster: request.cluster };
  return undefined;
}
