import { formatDuration } from '../intent/duration.ts';
import type { AccessRequest } from '../request/request.ts';
import { code, escapeUserText, mention } from './escape.ts';

/**
 * The exact change a step-up approval makes, restated in the modal before the approver types the cluster name:
 * who, the principal ARN, the cluster, the level and its policy, the scope and the duration.
 */
export function stepUpSummary(request: AccessRequest, policyArn: string): string {
  const scope =
    request.namespaces.length === 0 ? 'whole cluster' : `namespaces ${request.namespaces.map(code).join(', ')}`;
  return [
    `*You are approving ${request.level} on ${code(request.cluster)}.*`,
    `• *Who*: ${mention(request.subject)}${request.requester !== request.subject ? ` (asked by ${mention(request.requester)})` : ''}`,
    `• *Principal*: ${code(request.principalArn)}`,
    `• *Cluster*: ${code(request.cluster)}`,
    `• *Level*: ${request.level} → ${code(policyArn)}`,
    `• *Scope*: ${scope}`,
    `• *Duration*: ${request.durationMs ? formatDuration(request.durationMs) : 'the level default'}`,
    `• *Reason*: ${request.reason ? escapeUserText(request.reason) : '—'}`,
  ].join('\n');
}

/** What the approver must type, and the error shown beside the field when it does not match. */
export function stepUpPrompt(cluster: string): { label: string; mismatch: string } {
  return {
    label: `Type the cluster name (${cluster}) to confirm`,
    mismatch: `That is not ${cluster}. Type the cluster name exactly to approve; nothing was approved.`,
  };
}
