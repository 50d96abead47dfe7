import { utcMinute } from '../access/time-left.ts';
import { formatDuration } from '../intent/duration.ts';
import type { Level } from '../levels.ts';
import { type AccessRequest, kindOf } from '../request/request.ts';
import { needsStepUp } from '../request/step-up.ts';
import { currentAccessPart } from './current-access.ts';
import { identityText, sessionScopeText, sharedRoleWarning } from './identity-text.ts';
import { listOr } from './list-text.ts';
import { ACTIONS, type Message, type MessagePart } from './message.ts';
import { restorePreviewPart } from './restore-preview.ts';
import {
  bullets,
  cluster,
  code,
  foreignCode,
  icon,
  join,
  person,
  type Rich,
  rich,
  said,
  strong,
  type Text,
} from './rich.ts';

export function scopeText(request: AccessRequest): Rich {
  return request.namespaces.length === 0
    ? ['whole cluster']
    : rich`namespaces ${join(request.namespaces.map(code), ', ')}`;
}

export function summary(request: AccessRequest): Rich {
  switch (kindOf(request)) {
    case 'migrate':
      return rich`a one-way switch of ${cluster(request.cluster)} from CONFIG_MAP to API_AND_CONFIG_MAP`;
    case 'recover':
      return rich`lock-out recovery on ${cluster(request.cluster)}: ${strong('cluster-admin')} for ${person(request.subject)}`;
    case 'grant':
      return rich`${strong(request.level)} on ${cluster(request.cluster)} for ${person(request.subject)}`;
  }
}

/** What approving will do, in the card's words. */
function changeText(request: AccessRequest, policyArn: string): Text {
  switch (kindOf(request)) {
    case 'migrate':
      return 'UpdateClusterConfig authenticationMode=API_AND_CONFIG_MAP. One way: the cluster can never go back to CONFIG_MAP. aws-auth keeps working; access entries start to work too.';
    case 'recover':
      return rich`switch to API_AND_CONFIG_MAP if the cluster is in CONFIG_MAP (one way), then an access entry for ${code(request.principalArn)} + ${code(policyArn)}`;
    case 'grant':
      // One session on a shared role: an RBAC binding for that session's username, never a policy on the role.
      if (request.session) {
        const binding = request.namespaces.length === 0 ? 'a ClusterRoleBinding' : 'a RoleBinding in each namespace';
        return rich`${binding} of the Kubernetes username of the session ${foreignCode(request.session)} to the ClusterRole ${code(request.level)}; the role ${code(request.principalArn)} gets no access policy`;
      }
      // Only the method that will run: an aws-auth grant edits the ConfigMap (its diff follows on the card).
      return request.awsAuthPreview
        ? rich`aws-auth item for ${code(request.principalArn)} in kube-system/aws-auth (the change is shown below)`
        : rich`access entry for ${code(request.principalArn)} + ${code(policyArn)}`;
  }
}

function detailFields(request: AccessRequest, policyArn: string): MessagePart {
  return {
    kind: 'fields',
    fields: [
      { label: 'Requested by', value: [person(request.requester)] },
      { label: 'For', value: [person(request.subject)] },
      { label: 'Cluster', value: [cluster(request.cluster)] },
      { label: 'Level', value: request.level },
      { label: 'Scope', value: scopeText(request) },
      { label: 'Duration', value: request.durationMs ? formatDuration(request.durationMs) : 'not given' },
      { label: 'Reason', value: request.reason ? [said(request.reason)] : '—' },
      { label: 'Request', value: [code(request.id)] },
      { label: 'Change', value: changeText(request, policyArn) },
    ],
  };
}

/** On aws-auth clusters the card shows the exact diff and the creator-safety checks before anyone approves. */
function awsAuthPreviewParts(request: AccessRequest): MessagePart[] {
  const preview = request.awsAuthPreview;
  if (!preview) return [];
  if ('unavailable' in preview)
    return [{ kind: 'context', text: rich`aws-auth preview unavailable: ${said(preview.unavailable)}` }];
  return [
    { kind: 'code', title: rich`${strong('Change to aws-auth')} (kube-system/aws-auth):`, lines: preview.lines },
    {
      kind: 'code',
      title: rich`${strong('Safety checks')}${preview.isSafe ? '' : ' (this change will be refused)'}:`,
      lines: preview.checks,
    },
    {
      kind: 'context',
      text: rich`${strong('What the end restores')}: the item goes back to exactly what it is now, byte for byte (removed if there was none), and the RBAC bindings the grant creates are deleted once nothing needs them.`,
    },
  ];
}

/** The approver's card: what will change, and Approve / Deny while the request is pending. */
export function requestCard(
  request: AccessRequest,
  policyArn: string,
  requiredApprovals: number,
  options: { stepUpLevels?: readonly Level[] | undefined } = {},
): Message {
  const head =
    kindOf(request) === 'grant'
      ? `Access request ${request.id}: ${request.level} on ${request.cluster}`
      : `${kindOf(request) === 'migrate' ? 'Mode migration' : 'Lock-out recovery'} ${request.id} on ${request.cluster}`;
  const parts: MessagePart[] = [
    { kind: 'header', text: head },
    { kind: 'text', text: rich`${person(request.requester)} asks for ${summary(request)}.` },
    ...identityParts(request),
    detailFields(request, policyArn),
    ...currentAccessPart(request.currentAccess),
    // Access-entry grants only: an aws-auth grant shows its exact diff below instead.
    ...(kindOf(request) === 'grant' && !request.awsAuthPreview
      ? restorePreviewPart(request.currentAccess, policyArn, request.namespaces)
      : []),
    ...awsAuthPreviewParts(request),
    ...(request.entryPrecedence
      ? [
          {
            kind: 'text' as const,
            text: rich`${strong('aws-auth precedence')}${request.entryPrecedence.isRefused ? ' (this grant will be refused)' : ''}: ${request.entryPrecedence.text}`,
          },
        ]
      : []),
  ];
  const approvedBy = approvedByText(request);
  if (request.status === 'pending') {
    parts.push({
      kind: 'context',
      text: rich`Approvals: ${request.approvals.length} of ${requiredApprovals}${request.approvals.length > 0 ? rich` (${approvedBy})` : ''}`,
    });
    parts.push({
      kind: 'buttons',
      buttons: [
        {
          // A distinct action id tells the listener to open the step-up modal instead of approving at once.
          action: needsStepUp(request, options.stepUpLevels) ? ACTIONS.approveStepUp : ACTIONS.approve,
          label: 'Approve',
          value: request.id,
          style: 'primary',
        },
        { action: ACTIONS.deny, label: 'Deny', value: request.id, style: 'danger' },
      ],
    });
  } else {
    parts.push({ kind: 'text', text: resolutionLine(request, approvedBy) });
  }
  return { text: head, parts, requestId: request.id };
}

/**
 * Who in IAM gets the access and where the bot learned it; for a session, that only that session gets it; for a
 * whole shared role, the bold warning. A migration names no person.
 */
function identityParts(request: AccessRequest): MessagePart[] {
  if (kindOf(request) === 'migrate' || request.principalArn === '') return [];
  const parts: MessagePart[] = [
    { kind: 'text', text: rich`${strong('Identity')}: ${person(request.subject)} ${identityText(request)}` },
  ];
  const onlySession = sessionScopeText(request);
  if (onlySession) parts.push({ kind: 'text', text: onlySession });
  const warning = sharedRoleWarning(request);
  if (warning) parts.push({ kind: 'text', text: rich`${icon('warning')} ${warning}` });
  return parts;
}

/** Who approved: the people, or the policy / break-glass that stood in for them. */
function approvedByText(request: AccessRequest): Rich {
  if (request.autoApproval) return ['policy'];
  if (request.breakGlass) return ['nobody (break-glass)'];
  return listOr(
    request.approvals.map((a) => person(a.by)),
    'nobody on record',
  );
}

export function resolutionLine(request: AccessRequest, approvedBy: Text): Rich {
  switch (request.status) {
    case 'denied':
      return rich`${icon('denied')} Denied by ${person(request.denial?.by ?? '')}${request.denial?.reason ? rich`: ${said(request.denial.reason)}` : ''}.`;
    case 'approved':
    case 'applying':
      return rich`${icon('working')} Approved by ${approvedBy}; applying…`;
    case 'granted':
      return rich`${icon('ok')} Approved by ${approvedBy}; granted and verified.`;
    case 'failed':
      return rich`${icon('failed')} Approved by ${approvedBy}; failed: ${request.failure?.message ?? 'unknown error'}`;
    case 'pending':
      return ['Waiting for approval.'];
    case 'expired':
      return rich`${icon('expired')} Approved by ${approvedBy}; granted, then expired${afterEnd(request, 'and removed')}.`;
    case 'revoked':
      if (request.ended?.reason === 'drift')
        return rich`${icon('warning')} Approved by ${approvedBy}; granted, then removed outside eks-access (drift).`;
      return rich`${icon('locked')} Approved by ${approvedBy}; granted, then revoked${request.ended?.by ? rich` by ${person(request.ended.by)}` : ''}${afterEnd(request, '')}.`;
    case 'cancelled':
      return rich`${icon('cancelled')} Cancelled by ${person(request.cancelled?.by ?? request.requester)} before a decision.`;
    case 'lapsed':
      return rich`${icon('lapsed')} Lapsed: nobody decided before the request timed out. Ask again if it is still needed.`;
  }
}

/** How the end left the cluster: given back as before, or with changes made by someone else left for a person. */
function afterEnd(request: AccessRequest, legacy: string): string {
  if (!request.ended?.isRestore) return legacy ? ` ${legacy}` : '';
  if (request.ended.leftForPerson?.length)
    return '; access restored except changes made outside eks-access (see the thread)';
  return '; access is back to what it was before';
}

/** The notice in the thread (and the requester's DM) when access ends. */
export function endedReply(request: AccessRequest): Message {
  const how =
    request.ended?.reason === 'expired'
      ? 'expired'
      : request.ended?.reason === 'drift'
        ? 'was removed outside eks-access (drift); the grant is ended'
        : rich`was revoked${request.ended?.by ? rich` by ${person(request.ended.by)}` : ''}`;
  const left = request.ended?.leftForPerson ?? [];
  const leftNote = left.length > 0 ? ' Some changes made outside eks-access were left for a person to decide.' : '';
  const text = rich`${icon('locked')} ${person(request.subject)}'s ${summary(request)} ${how}.${leftNote} Tokens already issued stay valid for up to 15 minutes.`;
  const evidence = request.ended?.evidence ?? [];
  return {
    text,
    parts: [
      { kind: 'text', text },
      ...(evidence.length > 0 ? [{ kind: 'text' as const, text: bullets(evidence) }] : []),
      ...(left.length > 0
        ? [
            {
              kind: 'text' as const,
              text: rich`${icon('warning')} ${strong('Changed outside eks-access during the grant; left as it is for a person to decide:')}\n${bullets(left)}`,
            },
          ]
        : []),
    ],
    requestId: request.id,
  };
}

/** Extend on the reminder before expiry; the value is the request id. */
export function extendButton(request: AccessRequest): MessagePart {
  return {
    kind: 'buttons',
    buttons: [{ action: ACTIONS.extend, label: 'Extend', value: request.id, style: 'primary' }],
  };
}

/** "I'm done" on a granted request ends it early; the value is the request id. */
export function doneButton(request: AccessRequest): MessagePart {
  return { kind: 'buttons', buttons: [{ action: ACTIONS.done, label: "I'm done", value: request.id }] };
}

export function requestReceivedReply(request: AccessRequest, approvers: readonly string[], where?: Text): Message {
  const capped = request.requestedDurationMs
    ? ` (capped from ${formatDuration(request.requestedDurationMs)}: the maximum for ${request.level} here)`
    : '';
  // `approvers` comes without the people barred from deciding (the subject, and the requester unless allowed).
  const waiting =
    approvers.length > 0
      ? rich`Waiting for approval from ${join(approvers.map(person), ', ')}${where ? rich` in ${where}` : ''}.`
      : 'Waiting for approval, but no configured approver can decide it: the approvers are the people asking and receiving. Ask the platform team to add an approver for this cluster.';
  const text = rich`Request ${code(request.id)}: ${summary(request)} (${scopeText(request)}${
    request.durationMs ? `, ${formatDuration(request.durationMs)}${capped}` : ''
  }). ${waiting}`;
  // Cancel is offered only while nobody has decided; refreshes re-render this reply without it.
  const cancel: MessagePart[] =
    request.status === 'pending'
      ? [{ kind: 'buttons', buttons: [{ action: ACTIONS.cancel, label: 'Cancel request', value: request.id }] }]
      : [{ kind: 'context', text: resolutionLine(request, approvedByText(request)) }];
  return { text, parts: [{ kind: 'text', text }, ...cancel], requestId: request.id };
}

export function statusReply(request: AccessRequest): Message {
  const approvedBy = approvedByText(request);
  const text = rich`Request ${code(request.id)}: ${resolutionLine(request, approvedBy)}`;
  const parts: MessagePart[] = [{ kind: 'text', text }];
  if (request.status === 'denied') parts.push(diagnoseButton(request));
  return { text, parts, requestId: request.id };
}

export function grantedReply(request: AccessRequest, evidence: readonly string[]): Message {
  const text = rich`${icon('ok')} ${person(request.subject)} now has ${summary(request)} (${scopeText(request)}). Verified on the cluster:`;
  return {
    text,
    parts: [
      { kind: 'text', text },
      { kind: 'text', text: bullets(evidence) },
      ...(request.outcome?.expiresAt
        ? [
            {
              kind: 'text' as const,
              text: rich`Access ends by itself at ${strong(utcMinute(request.outcome.expiresAt))}${request.durationMs ? ` (${formatDuration(request.durationMs)})` : ''}.`,
            },
            doneButton(request),
          ]
        : []),
      {
        kind: 'context',
        text: 'If kubectl still says Unauthorized, wait a minute and retry: the API server caches failed logins briefly.',
      },
    ],
    requestId: request.id,
  };
}

/** Failed and denied requests offer a Diagnose button: "why can't I get in?" is the next question. */
function diagnoseButton(request: AccessRequest): MessagePart {
  return {
    kind: 'buttons',
    buttons: [{ action: ACTIONS.diagnose, label: 'Diagnose my access', value: request.cluster }],
  };
}

/** Told once when a grant is still being retried well after its approval, so nobody re-requests meanwhile. */
export function slowGrantNote(request: AccessRequest, cause: 'throttled' | 'unavailable'): Message {
  const why =
    cause === 'throttled' ? 'AWS is throttling our calls' : 'AWS is answering with errors (a service-side problem)';
  const text = rich`${icon('working')} Still working on ${code(request.id)}: ${why}. I keep retrying with backoff and will post here when ${person(request.subject)} has access; no need to ask again.`;
  return { text, parts: [{ kind: 'text', text }], requestId: request.id };
}

export function failedReply(request: AccessRequest): Message {
  const text = rich`${icon('failed')} Request ${code(request.id)} failed: ${request.failure?.message ?? 'unknown error'}`;
  return { text, parts: [{ kind: 'text', text }, diagnoseButton(request)], requestId: request.id };
}

export function plainReply(text: Text): Message {
  return { text, parts: [{ kind: 'text', text }] };
}
