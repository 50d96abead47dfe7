import { sharedRoleOf } from '../../core/identity/shared-role.ts';
import { asPrincipalArn, type PersonId, type RequestId } from '../../core/ids.ts';
import { accessPolicyArn, type Level } from '../../core/levels.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import type { Message } from '../../core/messages/message.ts';
import { plainReply, requestCard } from '../../core/messages/request-messages.ts';
import type { Refusal } from '../../core/refusals.ts';
import {
  type ApprovalPolicy,
  type AutoApproveDecision,
  approversFor,
  decideAutoApprove,
  isBarredParty,
  peopleIn,
} from '../../core/request/approval.ts';
import { effectiveDuration } from '../../core/request/duration-policy.ts';
import { newPendingRequest } from '../../core/request/new-request.ts';
import {
  type AccessRequest,
  ADMIN_ACTION_MIN_APPROVALS,
  kindOf,
  type RequestKind,
} from '../../core/request/request.ts';
import {
  approvalPolicyOf,
  autoApproveRuleOf,
  type ClusterSettings,
  durationOverrides,
  isRefusal,
  partitionOfCluster,
  resolveCluster,
} from '../../core/settings.ts';
import { entryPrecedencePreview } from '../apply/entry-precedence.ts';
import {
  type IdentityFields,
  identityFields,
  type ResolvedIdentity,
  resolveIdentity,
} from '../identity/resolve-identity.ts';
import type { Deps } from '../ports/deps.ts';
import { refreshHomes } from '../report/home-tab.ts';
import { membersOf } from '../review/approval-policy.ts';
import { noteInDigest } from '../review/policy-digest.ts';
import { schedulePendingTimers } from '../review/remind-approvers.ts';
import { postOnce, requestOwner } from '../support/post-once.ts';
import { recordAudit } from '../support/record-audit.ts';
import { ackMessage, approvalChannelLink } from '../support/request-conversation.ts';
import { settleAll } from '../support/settle-all.ts';
import { autoApproveIfAllowed } from './auto-approve.ts';
import { awsAuthPreviewFor } from './aws-auth-preview.ts';
import { currentAccessOf } from './current-access.ts';
import { checkRequestForOthers, tellSubject } from './request-for-others.ts';

export interface SubmitInput {
  requestId: RequestId;
  /** Default `grant`. `migrate` and `recover` need two approvers other than the requester and the subject. */
  kind?: RequestKind;
  requester: PersonId;
  subject: PersonId;
  clusterGiven: string;
  level: Level;
  namespaces: readonly string[];
  reason?: string;
  durationMs?: number;
  conversation: { channel: string; threadTs?: string };
}

export type SubmitResult = { ok: true; requestId: RequestId } | { ok: false; code: Refusal['code']; message: Message };

/** Stores a new grant request, answers the requester and sends the approval cards. Safe to re-run. */
export async function submitRequest(deps: Deps, input: SubmitInput): Promise<SubmitResult> {
  const cluster = resolveCluster(deps.settings, input.clusterGiven);
  if (isRefusal(cluster)) return refused(deps, input, cluster);
  const kind = input.kind ?? 'grant';
  // Before anything else is looked up or stored: a request for someone else by a person not trusted to make one.
  const forOthers = await checkRequestForOthers(deps, cluster, { ...input, kind });
  if (forOthers) return refused(deps, input, forOthers);
  if (kind !== 'grant') {
    const others = cluster.approvers.filter((a) => a !== input.requester && a !== input.subject);
    if (others.length < ADMIN_ACTION_MIN_APPROVALS) {
      return refused(deps, input, { code: 'needs_two_approvers', cluster: cluster.name, approvers: others.length });
    }
  }
  // A migration changes the cluster, not a person's access: it needs no IAM principal.
  let resolved: ResolvedIdentity | undefined;
  if (kind !== 'migrate') {
    const resolution = await resolveIdentity(deps, input.subject, cluster);
    if (!resolution.ok) return refused(deps, input, resolution.refusal);
    resolved = resolution;
  }
  const identity: IdentityFields = resolved ? identityFields(resolved) : { principalArn: asPrincipalArn('') };
  const { principalArn } = identity;
  // A whole principal others sign in to as well: the card says so in bold, and approving it needs a step-up.
  const sharedRole = resolved ? sharedRoleOf(resolved.identity, deps.settings) : undefined;
  // One session on a shared role gets an RBAC binding: the role's aws-auth diff, its access entry's policies and
  // aws-auth precedence describe the role, not this person, so none of them is shown.
  const isSession = identity.session !== undefined;
  if (kind === 'recover' && isSession) {
    return refused(deps, input, { code: 'recovery_needs_own_principal', user: input.subject, roleArn: principalArn });
  }
  const partitionRefusal = kind === 'migrate' ? undefined : partitionMismatch(cluster, principalArn);
  if (partitionRefusal) return refused(deps, input, partitionRefusal);
  const now = deps.clock.now();
  const duration = effectiveDuration(input.level, input.durationMs, durationOverrides(cluster));
  const preview =
    kind === 'grant' && !isSession
      ? await awsAuthPreviewFor(deps, cluster, principalArn, input.level, input.namespaces)
      : undefined;
  // A preview exists exactly when the grant goes through aws-auth (or whether it does could not be read).
  // Only for a request not filed before: a retried job keeps what the card already shows.
  const existing = await deps.store.get(input.requestId);
  // The card's look-ups do not depend on each other: one round of calls, not two.
  const [currentAccess, precedence] = await Promise.all([
    kind !== 'migrate' &&
    !isSession &&
    !existing &&
    mayNeedCard(cluster, kind, input.level, input.requester !== input.subject, sharedRole !== undefined)
      ? currentAccessOf(deps, cluster, principalArn, { viaAwsAuth: preview !== undefined })
      : undefined,
    kind === 'grant' && !isSession && !preview && !existing
      ? entryPrecedencePreview(deps, cluster, principalArn)
      : undefined,
  ]);
  const request: AccessRequest = {
    ...newPendingRequest({ ...input, ...identity, id: input.requestId, kind, cluster: cluster.name, duration }, now),
    ...(identity.linkedAt !== undefined ? { linkedAt: identity.linkedAt } : {}),
    ...(sharedRole ? { sharedRole } : {}),
    ...(preview ? { awsAuthPreview: preview } : {}),
    ...(currentAccess ? { currentAccess } : {}),
    ...(precedence ? { entryPrecedence: precedence } : {}),
  };
  // The `requested` audit event goes in with the request: a job killed between the two can no longer leave a
  // request filed without its record (the retry finds it exists and writes neither).
  const isNew = await deps.store.create(request, {
    type: 'requested',
    at: now,
    actor: input.requester,
    requestId: request.id,
    cluster: request.cluster,
    detail: { level: request.level, subject: request.subject, namespaces: request.namespaces.join(',') },
  });
  const stored = isNew ? request : await deps.store.get(request.id);
  if (!stored) throw new Error(`request ${request.id} vanished after create`);
  const auto = await autoApproveIfAllowed(deps, stored, cluster);
  await announce(deps, auto.request, auto.decision);
  // An automatic approval decided it already: no lapse to wait for, no approver to remind.
  if (auto.request.status === 'pending') await schedulePendingTimers(deps, auto.request, cluster);
  await refreshHomes(deps, auto.request);
  return { ok: true, requestId: stored.id };
}

/**
 * What the person already holds is shown on the approvers' card. A request the policy approves whatever happens
 * (an auto-approved level with no cap that could leave it to a person) never gets a card: its look-up (two EKS
 * calls) is skipped.
 */
function mayNeedCard(
  cluster: ClusterSettings,
  kind: RequestKind,
  level: Level,
  isForSomeoneElse: boolean,
  isSharedRole: boolean,
): boolean {
  if (isSharedRole) return true; // never approved by policy (see autoApproveIfAllowed)
  const rule = autoApproveRuleOf(cluster, level);
  const auto = decideAutoApprove({ kind, isAutoLevel: rule.isAutoLevel, isForSomeoneElse, usedInPeriod: 0 });
  return !auto.auto || rule.cap !== undefined;
}

async function announce(
  deps: Pick<Deps, 'clock' | 'digests' | 'messages' | 'notifier' | 'queue' | 'settings' | 'tuning' | 'userGroups'>,
  request: AccessRequest,
  decision?: AutoApproveDecision,
): Promise<void> {
  const cluster = resolveCluster(deps.settings, request.cluster);
  if (isRefusal(cluster)) return;
  const owner = requestOwner(request.id);
  const where = approvalChannelLink(cluster);
  const policy = approvalPolicyOf(cluster, kindOf(request), request.level);
  // The requester's reply and the approvers' cards go to different places: side by side, not one after another.
  const ack = postOnce(
    deps,
    owner,
    'ack',
    { channel: request.channel, ...(request.threadTs ? { threadTs: request.threadTs } : {}) },
    ackMessage(request, approversFor(request, policy), where, decision),
  );
  await settleAll([ack, postCards(deps, request, cluster, policy)]);
  // Last, after the cards: the person it is for, when someone else asked.
  if (!request.autoApproval) await tellSubject(deps, request, cluster);
}

/** The approval cards, or, when policy approved it, a line in the approvers' digest. */
async function postCards(
  deps: Pick<Deps, 'clock' | 'digests' | 'messages' | 'notifier' | 'queue' | 'settings' | 'tuning' | 'userGroups'>,
  request: AccessRequest,
  cluster: ClusterSettings,
  policy: ApprovalPolicy,
): Promise<void> {
  const owner = requestOwner(request.id);
  // Nothing for a person to decide: approvers hear of it in their channel's digest, not as a card per request.
  if (request.autoApproval) {
    await noteInDigest(deps, request);
    return;
  }
  const card = requestCard(
    request,
    accessPolicyArn(request.level, partitionOfCluster(cluster)),
    policy.requiredApprovals,
    {
      stepUpLevels: cluster.stepUpLevels,
    },
  );
  if (cluster.approvalChannel) {
    await postOnce(deps, owner, `card:${cluster.approvalChannel}`, { channel: cluster.approvalChannel }, card);
    return;
  }
  // The subject never gets a card to decide their own access (a group may include them); nor the requester unless
  // allowSelfApproval. Each approver's DM is its own channel: the cards go out side by side.
  const approvers = peopleIn(policy.approvers, await membersOf(deps, policy.approvers));
  await settleAll(
    approvers
      .filter((approver) => !isBarredParty(request, approver, policy))
      .map(async (approver) =>
        postOnce(deps, owner, `card:${approver}`, { channel: await deps.notifier.openDm(approver) }, card),
      ),
  );
}

async function refused(
  deps: Pick<Deps, 'audit' | 'clock'>,
  input: SubmitInput,
  refusal: Refusal,
): Promise<SubmitResult> {
  await recordAudit(deps, {
    type: 'refused',
    actor: input.requester,
    requestId: input.requestId,
    detail: {
      code: refusal.code,
      cluster: input.clusterGiven.slice(0, 100),
      ...(input.subject !== input.requester ? { subject: input.subject } : {}),
    },
  });
  return { ok: false, code: refusal.code, message: plainReply(describeRefusal(refusal)) };
}

/** A principal of another partition can never be granted here; saying so beats an AWS error after approval. */
function partitionMismatch(cluster: ClusterSettings, principalArn: string): Refusal | undefined {
  const principalPartition = principalArn.split(':')[1];
  const clusterPartition = partitionOfCluster(cluster);
  if (principalPartition === undefined || principalPartition === clusterPartition) return undefined;
  return { code: 'partition_mismatch', cluster: cluster.name, principalArn, principalPartition, clusterPartition };
}
