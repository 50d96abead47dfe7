import { formatDuration } from '../intent/duration.ts';
import { type AccessRequest, kindOf } from '../request/request.ts';
import { code, escapeUserText, mention } from './escape.ts';

/**
 * The exact change a step-up approval makes, restated in the modal before the approver types the cluster name:
 * who, the principal ARN, the cluster, the level and its policy, the scope and the duration.
 */
export function stepUpSummary(request: AccessRequest, policyArn: string): string {
  const kind = kindOf(request);
  if (kind === 'migrate') {
    return [
      `*You are approving the authentication-mode migration of ${code(request.cluster)}.*`,
      `• *Change*: ${code('CONFIG_MAP')} → ${code('API_AND_CONFIG_MAP')} (UpdateClusterConfig)`,
      '• *This cannot be undone*: EKS never lets a cluster go back to CONFIG_MAP.',
      `• *Asked by*: ${mention(request.requester)}`,
      reasonLine(request),
    ].join('\n');
  }
  if (kind === 'recover') {
    return [
      `*You are approving a lock-out recovery of ${code(request.cluster)}.*`,
      `• *Who*: ${mention(request.subject)} gets cluster-admin (asked by ${mention(request.requester)})`,
      `• *Principal*: ${code(request.principalArn)}`,
      `• *How*: an access entry with ${code(policyArn)}; on a CONFIG_MAP cluster the mode is switched to API_AND_CONFIG_MAP first, which cannot be undone`,
      durationLine(request),
      reasonLine(request),
    ].join('\n');
  }
  const scope =
    request.namespaces.length === 0 ? 'whole cluster' : `namespaces ${request.namespaces.map(code).join(', ')}`;
  return [
    `*You are approving ${request.level} on ${code(request.cluster)}.*`,
    `• *Who*: ${mention(request.subject)}${request.requester !== request.subject ? ` (asked by ${mention(request.requester)})` : ''}`,
    `• *Principal*: ${code(request.principalArn)}`,
    `• *Cluster*: ${code(request.cluster)}`,
    `• *Level*: ${request.level} → ${code(policyArn)}`,
    `• *Scope*: ${scope}`,
    durationLine(request),
    reasonLine(request),
  ].join('\n');
}

/** What the approver must type, and the error shown beside the field when it does not match. */
export function stepUpPrompt(cluster: string): { label: string; mismatch: string } {
  return {
    label: `Type the cluster name (${cluster}) to confirm`,
    mismatch: `That is not ${cluster}. Type the cluster name exactly to approve; nothing was approved.`,
  };
}

function reasonLine(request: AccessRequest): string {
  return `• *Reason*: ${request.reason ? escapeUserText(request.reason) : '—'}`;
}

function durationLine(request: AccessRequest): string {
  return `• *Duration*: ${request.durationMs ? formatDuration(request.durationMs) : 'the level default'}`;
}
