import { diagnose } from '../../../../src/core/diagnose/diagnose.ts';
import { diagnosisMessage } from '../../../../src/core/diagnose/diagnosis-message.ts';
import { asChannelId, asPersonId, asPrincipalArn, asRequestId } from '../../../../src/core/ids.ts';
import {
  awsAuthUnreadableReply,
  entriesMovedMessage,
  migrationDoneMessage,
  recoverNeedsSubjectReply,
  recoveryReport,
} from '../../../../src/core/messages/admin-messages.ts';
import {
  cancelledReply,
  nothingPendingReply,
  whichPendingReply,
} from '../../../../src/core/messages/cancel-messages.ts';
import { describeRefusal } from '../../../../src/core/messages/describe-refusal.ts';
import {
  checkingMessage,
  noIdentityMessage,
  notCallerIdentityMessage,
  whichClusterPrompt,
} from '../../../../src/core/messages/diagnosis-prompts.ts';
import { policyApprovalDigest } from '../../../../src/core/messages/digest-messages.ts';
import { driftNotice } from '../../../../src/core/messages/drift-messages.ts';
import {
  forSomeoneElseNote,
  requestedForYouNotice,
  unknownNameReply,
} from '../../../../src/core/messages/for-others-messages.ts';
import { helpMessage } from '../../../../src/core/messages/help-text.ts';
import { homeView } from '../../../../src/core/messages/home-view.ts';
import type { Message } from '../../../../src/core/messages/message.ts';
import {
  autoApprovedReply,
  breakGlassCard,
  breakGlassReply,
  capReachedNote,
  reviewAcknowledgedReply,
  reviewReminder,
} from '../../../../src/core/messages/policy-messages.ts';
import { approverReminder, expiryReminder } from '../../../../src/core/messages/reminder-messages.ts';
import {
  auditReply,
  entriesUnreadableReply,
  moreEntriesNote,
  myAccessReply,
  whoHasAccessReply,
} from '../../../../src/core/messages/report-messages.ts';
import {
  doneButton,
  endedReply,
  extendButton,
  failedReply,
  grantedReply,
  plainReply,
  requestCard,
  requestReceivedReply,
  slowGrantNote,
  statusReply,
} from '../../../../src/core/messages/request-messages.ts';
import { restorePreviewPart } from '../../../../src/core/messages/restore-preview.ts';
import {
  nothingToRevokeOnReply,
  nothingToRevokeReply,
  revokeChoiceReply,
  revokedReply,
  whichClusterToRevokeReply,
} from '../../../../src/core/messages/revoke-choice.ts';
import { stepUpSummary } from '../../../../src/core/messages/step-up-text.ts';
import type { Refusal } from '../../../../src/core/refusals.ts';
import type { AccessRequest, RequestStatus } from '../../../../src/core/request/request.ts';
import { healthy, unmapped } from '../../core/diagnose/builders.ts';
import { ALICE, BOB, CAROL, pendingRequest } from '../../core/request/fixtures.ts';

/** What a person could type to cause trouble: a broadcast, a mention, formatting and an entity. */
export const HOSTILE = '<!channel> *urgent* & <@U0EVIL>';

const POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const SSO_ROLE = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123abcd';
const NOW = 1_700_000_000_000;
const GRANTED: Partial<AccessRequest> = {
  status: 'granted',
  approvals: [{ by: BOB, at: 2 }],
  outcome: {
    principalArn: pendingRequest().principalArn,
    policyArn: POLICY,
    hadEntryBefore: false,
    hadPolicyBefore: false,
    verifiedAt: 3,
    expiresAt: NOW + 3_600_000,
  },
};

/** One entry per message the core can build; `quotes`: it quotes HOSTILE back, so both renderers must show it safely. */
export interface CatalogueEntry {
  builder: string;
  case: string;
  message: Message;
  quotes?: boolean;
}

const withText = (text: Message['text']): Message => plainReply(text);

const STATUSES: RequestStatus[] = [
  'pending',
  'approved',
  'applying',
  'granted',
  'denied',
  'failed',
  'expired',
  'revoked',
  'cancelled',
  'lapsed',
];

/** Every refusal code, so each has words in both renderers (the record type makes a new code fail to compile here). */
const REFUSALS: { [C in Refusal['code']]: Extract<Refusal, { code: C }> } = {
  unknown_cluster: { code: 'unknown_cluster', given: HOSTILE, closest: 'prod-cluster', available: ['prod-cluster'] },
  unmapped_user: {
    code: 'unmapped_user',
    user: ALICE,
    askWhom: [BOB, asPersonId('S0LEADS')],
    accountId: '111122223333',
  },
  sso_identity_unavailable: {
    code: 'sso_identity_unavailable',
    user: ALICE,
    accountId: '111122223333',
    reason: 'no_email',
    askWhom: [BOB],
  },
  inactive_person: { code: 'inactive_person', user: ALICE, reason: 'deactivated' },
  recovery_needs_own_principal: {
    code: 'recovery_needs_own_principal',
    user: ALICE,
    roleArn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123abcd',
  },
  not_an_approver: { code: 'not_an_approver', approvers: [BOB] },
  self_approval: { code: 'self_approval' },
  already_approved_by_you: { code: 'already_approved_by_you' },
  already_decided: { code: 'already_decided', status: 'granted' },
  unknown_request: { code: 'unknown_request' },
  not_extendable: { code: 'not_extendable', status: 'denied' },
  stale_card: { code: 'stale_card' },
  invalid_principal: { code: 'invalid_principal', reason: 'root principals cannot have access entries' },
  partition_mismatch: {
    code: 'partition_mismatch',
    cluster: 'cn-prod',
    principalArn: 'arn:aws:iam::111122223333:user/alice',
    principalPartition: 'aws',
    clusterPartition: 'aws-cn',
  },
  approvals_no_longer_valid: { code: 'approvals_no_longer_valid', needed: 2, valid: 1 },
  wrong_authentication_mode: {
    code: 'wrong_authentication_mode',
    cluster: pendingRequest().cluster,
    mode: 'CONFIG_MAP',
  },
  needs_two_approvers: { code: 'needs_two_approvers', cluster: 'prod-cluster', approvers: 1 },
  mode_already_migrated: { code: 'mode_already_migrated', cluster: 'prod-cluster', mode: 'API' },
  not_the_requester: { code: 'not_the_requester', requester: ALICE, subject: BOB },
  request_for_others_not_allowed: {
    code: 'request_for_others_not_allowed',
    cluster: 'prod-cluster',
    subject: ALICE,
    approvers: [BOB],
    listed: ['S0LEADS'],
  },
  step_up_required: { code: 'step_up_required', cluster: 'prod-cluster' },
  step_up_mismatch: { code: 'step_up_mismatch', cluster: 'prod-cluster' },
  no_pending_request: { code: 'no_pending_request', cluster: 'prod-cluster' },
  break_glass_refused: { code: 'break_glass_refused', cluster: 'prod-cluster', reason: 'needs_reason' },
  not_break_glass: { code: 'not_break_glass' },
  review_already_acknowledged: { code: 'review_already_acknowledged', by: CAROL },
  node_entry_protected: {
    code: 'node_entry_protected',
    cluster: 'prod-cluster',
    principalArn: 'arn:aws:iam::111122223333:role/eks-node-role',
    reason: 'aws-auth maps it as a node',
  },
  aws_auth_cluster_admin: {
    code: 'aws_auth_cluster_admin',
    cluster: 'prod-cluster',
    principalArn: 'arn:aws:iam::111122223333:role/ops',
  },
};

function statusCase(status: RequestStatus): AccessRequest {
  return pendingRequest({
    status,
    reason: HOSTILE,
    approvals: status === 'pending' ? [] : [{ by: BOB, at: 2 }],
    ...(status === 'denied' ? { denial: { by: BOB, at: 2, reason: HOSTILE } } : {}),
    ...(status === 'failed' ? { failure: { code: 'x', message: 'AWS said no', at: 3 } } : {}),
    ...(status === 'cancelled' ? { cancelled: { by: ALICE, at: 2 } } : {}),
    ...(status === 'expired' || status === 'revoked'
      ? {
          ended: {
            reason: status,
            by: BOB,
            at: 4,
            evidence: ['access entry `arn:aws:iam::111122223333:user/alice` deleted'],
            isRestore: true,
            leftForPerson: ['`AmazonEKSEditPolicy` is on the whole cluster; left as it is'],
          },
        }
      : {}),
  });
}

export function messageCatalogue(): CatalogueEntry[] {
  const hostile = pendingRequest({ reason: HOSTILE, namespaces: ['team-a', 'team-b'], durationMs: 7_200_000 });
  const forOther = pendingRequest({ requester: BOB, subject: ALICE, reason: HOSTILE });
  const granted = pendingRequest(GRANTED);
  const migrate = pendingRequest({ kind: 'migrate', reason: HOSTILE });
  const recover = pendingRequest({ kind: 'recover', level: 'cluster-admin', reason: HOSTILE });
  const awsAuth = pendingRequest({
    awsAuthPreview: { lines: ['+ rolearn: arn:aws:iam::111122223333:role/dev'], checks: ['ok creator'], isSafe: false },
    entryPrecedence: { text: 'aws-auth maps it as `dev`', isRefused: false },
  });
  const current = pendingRequest({
    currentAccess: {
      grants: [{ id: 'R0000000009', level: 'view', expiresAt: NOW }],
      entry: {
        kind: 'present',
        policies: [{ policyArn: POLICY, scope: 'whole cluster', accessScope: { type: 'cluster' } }],
      },
    },
  });
  const ssoSession = pendingRequest({
    principalArn: asPrincipalArn(SSO_ROLE),
    session: 'alice@example.com',
    identitySource: 'sso',
    reason: HOSTILE,
  });
  const linkedSession = pendingRequest({
    principalArn: asPrincipalArn('arn:aws:iam::111122223333:role/dev'),
    session: HOSTILE,
    identitySource: 'link',
    linkedAt: NOW,
  });
  const sharedRole = pendingRequest({
    principalArn: asPrincipalArn(SSO_ROLE),
    sharedRole: { roleArn: SSO_ROLE, reason: 'sso-reserved' },
  });
  const breakGlass = pendingRequest({ ...GRANTED, breakGlass: { at: 1 }, reason: HOSTILE });
  const acknowledged = pendingRequest({ ...GRANTED, breakGlass: { at: 1, acknowledged: { by: CAROL, at: 5 } } });
  const evidenceFull = unmapped('API');
  const evidenceHostile = healthy('API', { identity: { given: HOSTILE, source: 'pasted_arn' } });
  const entries: CatalogueEntry[] = [
    { builder: 'requestCard', case: 'pending grant', message: requestCard(hostile, POLICY, 2), quotes: true },
    { builder: 'requestCard', case: 'step-up', message: requestCard(hostile, POLICY, 1, { stepUpLevels: ['view'] }) },
    { builder: 'requestCard', case: 'migration', message: requestCard(migrate, POLICY, 2), quotes: true },
    { builder: 'requestCard', case: 'recovery', message: requestCard(recover, POLICY, 2), quotes: true },
    { builder: 'requestCard', case: 'aws-auth preview', message: requestCard(awsAuth, POLICY, 1) },
    { builder: 'requestCard', case: 'SSO session', message: requestCard(ssoSession, POLICY, 1), quotes: true },
    { builder: 'requestCard', case: 'linked session', message: requestCard(linkedSession, POLICY, 1) },
    { builder: 'requestCard', case: 'shared role', message: requestCard(sharedRole, POLICY, 1) },
    { builder: 'requestCard', case: 'current access', message: requestCard(current, POLICY, 1) },
    ...STATUSES.map((status) => ({
      builder: 'requestCard',
      case: status,
      message: requestCard(statusCase(status), POLICY, 1),
      quotes: true,
    })),
    ...STATUSES.map((status) => ({
      builder: 'statusReply',
      case: status,
      message: statusReply(statusCase(status)),
      quotes: status === 'denied',
    })),
    { builder: 'endedReply', case: 'revoked', message: endedReply(statusCase('revoked')) },
    { builder: 'endedReply', case: 'expired', message: endedReply(statusCase('expired')) },
    { builder: 'requestReceivedReply', case: 'pending', message: requestReceivedReply(hostile, [BOB], '#approvals') },
    { builder: 'requestReceivedReply', case: 'no approver', message: requestReceivedReply(hostile, []) },
    {
      builder: 'requestReceivedReply',
      case: 'cancelled',
      message: requestReceivedReply(statusCase('cancelled'), [BOB]),
    },
    { builder: 'grantedReply', case: 'granted', message: grantedReply(granted, ['entry exists', 'policy associated']) },
    { builder: 'slowGrantNote', case: 'throttled', message: slowGrantNote(granted, 'throttled') },
    { builder: 'failedReply', case: 'failed', message: failedReply(statusCase('failed')) },
    { builder: 'plainReply', case: 'text', message: plainReply('Nothing to do.') },
    { builder: 'extendButton', case: 'part', message: { text: 'Extend?', parts: [extendButton(granted)] } },
    { builder: 'doneButton', case: 'part', message: { text: 'Done?', parts: [doneButton(granted)] } },
    {
      builder: 'restorePreviewPart',
      case: 'part',
      message: { text: 'Preview', parts: restorePreviewPart(current.currentAccess, POLICY, ['team-a']) },
    },
    {
      builder: 'migrationDoneMessage',
      case: 'switched',
      message: migrationDoneMessage(
        migrate,
        true,
        {
          migrate: [
            { awsAuthArn: 'arn:aws:iam::111122223333:role/dev', roleName: 'dev', kubernetesGroups: [], policyArns: [] },
          ],
          skipped: [{ arn: 'arn:aws:iam::111122223333:role/node', reason: 'a node role' }],
        },
        undefined,
      ),
    },
    {
      builder: 'migrationDoneMessage',
      case: 'unreadable',
      message: migrationDoneMessage(migrate, false, undefined, 'no ConfigMap'),
    },
    {
      builder: 'entriesMovedMessage',
      case: 'mixed',
      message: entriesMovedMessage(['arn:a'], ['arn:b'], [{ arn: 'arn:c', reason: 'AccessDenied' }], BOB),
    },
    {
      builder: 'recoveryReport',
      case: 'broken keys',
      message: recoveryReport(recover, ['switched mode'], { verdict: 'ok', headline: 'works' }, [
        { key: 'mapRoles', error: { message: 'bad indent\nmore', line: 3, column: 1 } },
      ]),
    },
    {
      builder: 'recoveryReport',
      case: 'clean',
      message: recoveryReport(recover, [], { verdict: 'ok', headline: 'x' }, []),
    },
    ...Object.values(REFUSALS).map((refusal) => ({
      builder: 'describeRefusal',
      case: refusal.code,
      message: withText(describeRefusal(refusal)),
      quotes: refusal.code === 'unknown_cluster',
    })),
    { builder: 'whichClusterPrompt', case: 'buttons', message: whichClusterPrompt(['prod-cluster', 'staging']) },
    {
      builder: 'whichClusterPrompt',
      case: 'many',
      message: whichClusterPrompt(Array.from({ length: 30 }, (_, i) => `c${i}`)),
    },
    { builder: 'checkingMessage', case: 'hostile', message: checkingMessage('prod-cluster', HOSTILE) },
    { builder: 'noIdentityMessage', case: 'plain', message: noIdentityMessage() },
    { builder: 'notCallerIdentityMessage', case: 'plain', message: notCallerIdentityMessage('not JSON') },
    {
      builder: 'policyApprovalDigest',
      case: 'two',
      message: policyApprovalDigest(
        [
          { requestId: 'R1', requester: ALICE, subject: ALICE, cluster: 'prod-cluster', level: 'view', durationMs: 1 },
          { requestId: 'R2', requester: BOB, subject: ALICE, cluster: 'prod-cluster', level: 'edit', durationMs: 1 },
        ],
        600_000,
      ),
    },
    {
      builder: 'requestedForYouNotice',
      case: 'pending',
      message: requestedForYouNotice(forOther, '#approvals', {
        place: forOther.channel,
        link: 'https://example.slack.com/archives/C1/p1',
      }),
      quotes: true,
    },
    {
      builder: 'requestedForYouNotice',
      case: 'decided',
      message: requestedForYouNotice({ ...forOther, ...statusCase('cancelled'), requester: BOB, subject: ALICE }),
      quotes: true,
    },
    {
      builder: 'requestedForYouNotice',
      case: 'from a DM',
      message: requestedForYouNotice({ ...forOther, channel: asChannelId('D0DM') }),
      quotes: true,
    },
    { builder: 'forSomeoneElseNote', case: 'note', message: withText(forSomeoneElseNote(forOther)) },
    {
      builder: 'capReachedNote',
      case: 'note',
      message: withText(capReachedNote({ left: 0, of: 3, periodMs: 86_400_000 })),
    },
    {
      builder: 'helpMessage',
      case: 'unmapped',
      message: helpMessage({ clusters: [{ name: 'prod-cluster', aliases: ['prod'] }], isMapped: false }),
    },
    {
      builder: 'helpMessage',
      case: 'failure',
      message: helpMessage({ clusters: [] }, { kind: 'failure', reason: 'bad_duration', detail: HOSTILE }),
      quotes: true,
    },
    {
      builder: 'homeView',
      case: 'approver',
      message: homeView({
        user: ALICE,
        now: NOW,
        grants: [granted, pendingRequest({ ...GRANTED, subject: BOB })],
        pending: Array.from({ length: 7 }, (_, i) => pendingRequest({ id: asRequestId(`RP${i}`), reason: HOSTILE })),
        waiting: [forOther],
        isApprover: true,
        needsStepUp: () => true,
      }),
      quotes: true,
    },
    {
      builder: 'homeView',
      case: 'empty',
      message: homeView({ user: ALICE, now: NOW, grants: [], pending: [], waiting: [], isApprover: false }),
    },
    {
      builder: 'autoApprovedReply',
      case: 'allowance',
      message: autoApprovedReply({
        ...hostile,
        autoApproval: { at: 1, allowance: { left: 2, of: 3, periodMs: 86_400_000 } },
      }),
    },
    { builder: 'breakGlassCard', case: 'unacknowledged', message: breakGlassCard(breakGlass), quotes: true },
    { builder: 'breakGlassCard', case: 'acknowledged', message: breakGlassCard(acknowledged) },
    { builder: 'breakGlassReply', case: 'capped', message: breakGlassReply(breakGlass, 86_400_000) },
    { builder: 'reviewReminder', case: 'daily', message: reviewReminder(breakGlass) },
    { builder: 'reviewAcknowledgedReply', case: 'ack', message: reviewAcknowledgedReply(acknowledged) },
    {
      builder: 'whoHasAccessReply',
      case: 'mixed',
      message: whoHasAccessReply(
        'prod-cluster',
        {
          rows: [
            { principalArn: 'arn:a', via: 'access entry', what: HOSTILE, kind: 'standing' },
            {
              principalArn: 'arn:b',
              via: 'aws-auth',
              what: 'view',
              kind: 'time-bound',
              grants: [{ id: 'R1', subject: ALICE, expiresAt: NOW + 60_000 }],
              expiresAt: NOW + 60_000,
            },
          ],
          missing: [granted],
          awsAuthUnavailable: 'Forbidden',
        },
        NOW,
      ),
      quotes: true,
    },
    {
      builder: 'auditReply',
      case: 'events',
      message: auditReply('prod-cluster', [
        { type: 'approved', at: NOW, actor: BOB, requestId: 'R1', detail: { reason: HOSTILE } },
        { type: 'expired', at: NOW, actor: 'eks-access' },
      ]),
      quotes: true,
    },
    { builder: 'auditReply', case: 'none', message: auditReply('prod-cluster', []) },
    { builder: 'myAccessReply', case: 'some', message: myAccessReply([granted, hostile], NOW) },
    { builder: 'myAccessReply', case: 'none', message: myAccessReply([], NOW) },
    { builder: 'nothingToRevokeReply', case: 'other', message: nothingToRevokeReply(BOB, false) },
    {
      builder: 'nothingToRevokeOnReply',
      case: 'unmapped',
      message: nothingToRevokeOnReply(BOB, 'prod-cluster', false),
    },
    { builder: 'revokedReply', case: 'two', message: revokedReply(2, BOB, 'prod-cluster') },
    { builder: 'whichClusterToRevokeReply', case: 'other', message: whichClusterToRevokeReply(BOB) },
    { builder: 'approverReminder', case: 'channel', message: approverReminder(hostile, 2, 'C0APPROVALS') },
    { builder: 'approverReminder', case: 'dm', message: approverReminder(hostile, 1) },
    { builder: 'expiryReminder', case: 'granted', message: expiryReminder(granted, 15) },
    { builder: 'cancelledReply', case: 'two', message: cancelledReply(['R1', 'R2'], 'prod-cluster') },
    { builder: 'cancelledReply', case: 'none', message: cancelledReply([], 'prod-cluster') },
    { builder: 'nothingPendingReply', case: 'plain', message: nothingPendingReply() },
    { builder: 'whichPendingReply', case: 'two', message: whichPendingReply(2, ['prod-cluster', 'staging']) },
    {
      builder: 'driftNotice',
      case: 'restored',
      message: driftNotice(granted, ['access entry `arn:aws:iam::111122223333:user/alice` is gone'], true),
    },
    { builder: 'driftNotice', case: 'untouched', message: driftNotice(granted, ['policy gone'], false) },
    { builder: 'recoverNeedsSubjectReply', case: 'plain', message: recoverNeedsSubjectReply('prod-cluster') },
    { builder: 'awsAuthUnreadableReply', case: 'plain', message: awsAuthUnreadableReply('Forbidden') },
    { builder: 'unknownNameReply', case: 'nobody', message: unknownNameReply('nobody', 0) },
    { builder: 'unknownNameReply', case: 'several', message: unknownNameReply('sam', 2) },
    {
      builder: 'moreEntriesNote',
      case: 'part',
      message: { text: 'More', parts: [moreEntriesNote(12)] },
    },
    {
      builder: 'entriesUnreadableReply',
      case: 'throttled',
      message: entriesUnreadableReply('prod-cluster', 'throttled'),
    },
    { builder: 'revokeChoiceReply', case: 'two', message: revokeChoiceReply(ALICE, true, [granted, granted], NOW) },
    { builder: 'stepUpSummary', case: 'grant', message: withText(stepUpSummary(hostile, POLICY)), quotes: true },
    { builder: 'stepUpSummary', case: 'migrate', message: withText(stepUpSummary(migrate, POLICY)), quotes: true },
    { builder: 'stepUpSummary', case: 'recover', message: withText(stepUpSummary(recover, POLICY)), quotes: true },
    { builder: 'diagnosisMessage', case: 'problem', message: diagnosisMessage(diagnose(evidenceFull), evidenceFull) },
    {
      builder: 'diagnosisMessage',
      case: 'stranger',
      message: diagnosisMessage(diagnose(evidenceHostile), evidenceHostile, 'stranger'),
      quotes: true,
    },
  ];
  return entries;
}
