import { formatDuration } from '../intent/duration.ts';
import { type AccessRequest, kindOf } from '../request/request.ts';
import { identityText, sharedRoleWarning } from './identity-text.ts';
import { cluster, code, join, lines, person, type Rich, rich, said, strong } from './rich.ts';

/**
 * The exact change a step-up approval makes, restated in the modal before the approver types the cluster name:
 * who, the principal ARN, the cluster, the level and its policy, the scope and the duration.
 */
export function stepUpSummary(request: AccessRequest, policyArn: string): Rich {
  const kind = kindOf(request);
  if (kind === 'migrate') {
    return lines([
      strong(rich`You are approving the authentication-mode migration of ${cluster(request.cluster)}.`),
      rich`• ${strong('Change')}: ${code('CONFIG_MAP')} → ${code('API_AND_CONFIG_MAP')} (UpdateClusterConfig)`,
      rich`• ${strong('This cannot be undone')}: EKS never lets a cluster go back to CONFIG_MAP.`,
      rich`• ${strong('Asked by')}: ${person(request.requester)}`,
      reasonLine(request),
    ]);
  }
  if (kind === 'recover') {
    return lines([
      strong(rich`You are approving a lock-out recovery of ${cluster(request.cluster)}.`),
      rich`• ${strong('Who')}: ${person(request.subject)} gets cluster-admin (asked by ${person(request.requester)})`,
      rich`• ${strong('Principal')}: ${code(request.principalArn)}`,
      rich`• ${strong('How')}: an access entry with ${code(policyArn)}; on a CONFIG_MAP cluster the mode is switched to API_AND_CONFIG_MAP first, which cannot be undone`,
      durationLine(request),
      reasonLine(request),
    ]);
  }
  const scope =
    request.namespaces.length === 0 ? 'whole cluster' : rich`namespaces ${join(request.namespaces.map(code), ', ')}`;
  return lines([
    strong(rich`You are approving ${request.level} on ${cluster(request.cluster)}.`),
    rich`• ${strong('Who')}: ${person(request.subject)}${request.requester !== request.subject ? rich` (asked by ${person(request.requester)})` : ''}`,
    rich`• ${strong('Principal')}: ${code(request.principalArn)}`,
    ...(request.sharedRole || request.session ? [rich`• ${strong('Identity')}: ${identityText(request)}`] : []),
    ...sharedLine(request),
    rich`• ${strong('Cluster')}: ${cluster(request.cluster)}`,
    rich`• ${strong('Level')}: ${request.level} → ${code(policyArn)}`,
    rich`• ${strong('Scope')}: ${scope}`,
    durationLine(request),
    reasonLine(request),
  ]);
}

/** What the approver must type, and the error shown beside the field when it does not match. */
export function stepUpPrompt(cluster: string): { label: string; mismatch: string } {
  return {
    label: `Type the cluster name (${cluster}) to confirm`,
    mismatch: `That is not ${cluster}. Type the cluster name exactly to approve; nothing was approved.`,
  };
}

/** A grant to a whole shared role: the reason it needs this step-up, in bold. */
function sharedLine(request: AccessRequest): Rich[] {
  const warning = sharedRoleWarning(request);
  return warning ? [rich`• ${warning}`] : [];
}

function reasonLine(request: AccessRequest): Rich {
  return rich`• ${strong('Reason')}: ${request.reason ? said(request.reason) : '—'}`;
}

function durationLine(request: AccessRequest): Rich {
  return rich`• ${strong('Duration')}: ${request.durationMs ? formatDuration(request.durationMs) : 'the level default'}`;
}
