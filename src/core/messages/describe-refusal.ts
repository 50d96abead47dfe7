import type { PersonId } from '../ids.ts';
import type { Refusal } from '../refusals.ts';
import { cluster, code, foreignCode, join, oneLine, person, type Rich, rich, said, type Text } from './rich.ts';

/** One sentence per refusal; the exhaustive switch makes a new refusal code fail to compile until it has words. */
export function describeRefusal(refusal: Refusal): Text {
  switch (refusal.code) {
    case 'unknown_cluster': {
      const hint = refusal.closest ? rich` Did you mean ${cluster(refusal.closest)}?` : '';
      const list =
        refusal.available.length > 0 ? rich` You can ask for: ${join(refusal.available.map(cluster), ', ')}.` : '';
      return rich`I don't know a cluster called ${givenName(refusal.given)}.${hint}${list}`;
    }
    case 'partition_mismatch':
      return rich`${code(refusal.principalArn)} is an identity in the ${code(refusal.principalPartition)} partition, and ${cluster(refusal.cluster)} is in ${code(refusal.clusterPartition)}: IAM identities never cross partitions, so no grant could work. Map this person to their ${code(refusal.clusterPartition)} identity, or ask for a cluster in ${code(refusal.principalPartition)}. Nothing was filed.`;
    case 'unmapped_user': {
      const whom = askWhomText(refusal.askWhom);
      const where = refusal.accountId ? rich` in account ${code(refusal.accountId)}` : '';
      return rich`${person(refusal.user)} is not mapped to an AWS identity: not in eks-access's ${code('users')} config, no IAM Identity Center role under ${code('identity.sso')}${where}, and no identity proved with ${code('link')}${where}, so I can't grant access. ${linkHow(refusal.user)} Or ask ${whom} to add the IAM ARN for ${person(refusal.user)} to ${code('users')} (or the account's IAM Identity Center role to ${code('identity.sso')}).`;
    }
    case 'sso_identity_unavailable': {
      const why =
        refusal.reason === 'no_email'
          ? rich`their Slack profile shows no email`
          : rich`their Slack profile email does not make a valid AWS session name (2 to 64 letters, digits or ${code('+=,.@_-')})`;
      return rich`I can't tell who ${person(refusal.user)} is in IAM Identity Center for account ${code(refusal.accountId)}: ${why}, and it is what gives the session name they sign in with. Nothing was filed. ${linkHow(refusal.user)} Or ask ${askWhomText(refusal.askWhom)} to add ${person(refusal.user)} to ${code('users')} (as ${code('{ role, session }')}).`;
    }
    case 'recovery_needs_own_principal':
      return rich`A lock-out recovery gives cluster-admin through an access policy on the principal, and ${person(refusal.user)} signs in to the shared role ${code(refusal.roleArn)}: everyone who signs in to it would become cluster-admin. Name an admin mapped to their own IAM role or user in ${code('users')}. Nothing was filed.`;
    case 'inactive_person':
      return refusal.reason === 'deactivated'
        ? rich`${person(refusal.user)} is deactivated in this workspace, so I don't resolve them to an AWS identity. Nothing was filed.`
        : rich`${person(refusal.user)} is a bot, and bots get no AWS access through eks-access. Nothing was filed.`;
    case 'not_an_approver':
      return refusal.approvers.length > 0
        ? rich`You are not an approver for this cluster. Approvers: ${join(refusal.approvers.map(person), ', ')}.`
        : 'You are not an approver for this cluster, and it has no approvers configured; ask your platform team.';
    case 'self_approval':
      return 'You cannot approve or deny a request that you made or that grants you access.';
    case 'already_approved_by_you':
      return 'You have already approved this request; it needs another approver.';
    case 'already_decided':
      return `This request is already ${refusal.status}; nothing was changed.`;
    case 'unknown_request':
      return 'I cannot find that request; nothing was changed.';
    case 'not_extendable':
      return `Only access that is granted right now can be extended, and this request is ${refusal.status}; nothing was filed. To ask for access, send a new request.`;
    case 'stale_card':
      return 'That button does not belong to this request card; nothing was changed.';
    case 'invalid_principal':
      return `The configured IAM principal cannot be used with EKS: ${refusal.reason}.`;
    case 'approvals_no_longer_valid':
      return `The approvals no longer satisfy the cluster's rules (${refusal.valid} of ${refusal.needed} still count after a config change), so nothing was applied.`;
    case 'needs_two_approvers':
      return rich`Changing the authentication mode or recovering ${code(refusal.cluster)} needs two distinct approvers other than the people asking and receiving, and its config leaves ${refusal.approvers}. Add approvers to the cluster's config first.`;
    case 'mode_already_migrated':
      return rich`Cluster ${code(refusal.cluster)} is already in ${code(refusal.mode)} mode: access entries are on, and modes never go back. Nothing to migrate.`;
    case 'not_the_requester': {
      const forWhom = refusal.subject ? rich` or ${person(refusal.subject)}, whom it is for,` : '';
      return rich`Only ${person(refusal.requester)}, who made this request,${forWhom} can cancel it; nothing was changed.`;
    }
    case 'request_for_others_not_allowed':
      return requestForOthersRefusal(refusal);
    case 'step_up_required':
      return rich`Approving this level on ${code(refusal.cluster)} needs a step-up: use the card's Approve button, which asks you to type the cluster name. Nothing was approved.`;
    case 'step_up_mismatch':
      return rich`The name you typed is not ${code(refusal.cluster)}, so nothing was approved.`;
    case 'no_pending_request':
      return rich`You have no pending request on ${code(refusal.cluster)}; nothing was cancelled. To end access you already have, say ${code(`revoke my access to ${refusal.cluster}`)}.`;
    case 'break_glass_refused':
      return breakGlassRefusal(refusal.cluster, refusal.reason);
    case 'not_break_glass':
      return 'That request was not a break-glass grant; there is no review to acknowledge.';
    case 'review_already_acknowledged':
      return rich`This break-glass review was already acknowledged by ${person(refusal.by)}; nothing was changed.`;
    case 'node_entry_protected':
      return rich`No access entry was created for ${code(refusal.principalArn)} on ${code(refusal.cluster)}: ${said(refusal.reason)}. On API_AND_CONFIG_MAP clusters an access entry takes precedence over aws-auth for the same principal. Nothing was written.`;
    case 'aws_auth_cluster_admin':
      return rich`${code(refusal.principalArn)} already has cluster-admin through aws-auth (${code('system:masters')}) on ${code(refusal.cluster)}; an access entry would replace it. Nothing was written.`;
    case 'wrong_authentication_mode':
      return rich`Cluster ${code(refusal.cluster)} is in ${code(refusal.mode)} mode, so it uses the aws-auth ConfigMap, not access entries. Switch it to API_AND_CONFIG_MAP (one way) or set ${code('method: aws-auth')} for it.`;
  }
}

function requestForOthersRefusal(refusal: Extract<Refusal, { code: 'request_for_others_not_allowed' }>): Rich {
  const people = [...refusal.approvers, ...refusal.listed.filter((id) => !refusal.approvers.includes(id))];
  const who = people.length > 0 ? join(people.map(person), ', ') : 'nobody';
  return rich`You can ask for access only for yourself on ${cluster(refusal.cluster)}, so nothing was filed for ${person(refusal.subject)}. Asking for someone else is for the cluster's approvers and the people its config lists under ${code('requestForOthers')} (${who}). ${person(refusal.subject)} can ask for it themselves (${code(`grant me <level> on ${refusal.cluster}`)}), or one of those people can ask for them.`;
}

function askWhomText(askWhom: readonly PersonId[]): Text {
  return askWhom.length > 0 ? join(askWhom.map(person), ', ') : 'your platform team';
}

/** How a person proves their AWS identity to the bot (issue 19's `link`): the token is useless against a cluster. */
function linkHow(user: PersonId): Rich {
  return rich`${person(user)} can prove their identity: run ${code('aws eks get-token --cluster-name eks-access-link')} with the AWS profile they use for kubectl, and send me the token in a DM (or ${code('/eks link <token>')}).`;
}

/** A cluster name as typed: quoted as code, but escaped like anything else a person typed. */
function givenName(given: string): Rich {
  return [foreignCode(oneLine(given, 100))];
}

function breakGlassRefusal(
  cluster: string,
  reason: 'not_configured' | 'not_allowed' | 'needs_reason' | 'only_for_yourself',
): Text {
  switch (reason) {
    case 'not_configured':
      return rich`Break-glass is not enabled for ${code(cluster)}; nothing was granted. Ask for access the usual way.`;
    case 'not_allowed':
      return rich`You are not on the break-glass list for ${code(cluster)}; nothing was granted. Ask for access the usual way.`;
    case 'needs_reason':
      return rich`Break-glass needs a reason, e.g. ${code('break glass admin on prod-cluster because INC-123')}; nothing was granted.`;
    case 'only_for_yourself':
      return 'Break-glass grants access only to the person asking; nothing was granted.';
  }
}
