import type { Refusal } from '../refusals.ts';
import { code, escapeUserText, mention } from './escape.ts';

/** One sentence per refusal; the exhaustive switch makes a new refusal code fail to compile until it has words. */
export function describeRefusal(refusal: Refusal): string {
  switch (refusal.code) {
    case 'unknown_cluster': {
      const hint = refusal.closest ? ` Did you mean ${code(refusal.closest)}?` : '';
      const list = refusal.available.length > 0 ? ` You can ask for: ${refusal.available.map(code).join(', ')}.` : '';
      return `I don't know a cluster called ${code(escapeUserText(refusal.given, 100))}.${hint}${list}`;
    }
    case 'unmapped_user': {
      const whom = refusal.askWhom.map(mention).join(', ');
      return `${mention(refusal.user)} is not mapped to an AWS identity in eks-access's \`users\` config, so I can't grant access. Ask ${whom || 'your platform team'} to add the IAM ARN for ${mention(refusal.user)}.`;
    }
    case 'not_an_approver':
      return refusal.approvers.length > 0
        ? `You are not an approver for this cluster. Approvers: ${refusal.approvers.map(mention).join(', ')}.`
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
      return `Changing the authentication mode or recovering ${code(refusal.cluster)} needs two distinct approvers other than the people asking and receiving, and its config leaves ${refusal.approvers}. Add approvers to the cluster's config first.`;
    case 'mode_already_migrated':
      return `Cluster ${code(refusal.cluster)} is already in ${code(refusal.mode)} mode: access entries are on, and modes never go back. Nothing to migrate.`;
    case 'not_the_requester': {
      const forWhom = refusal.subject ? ` or ${mention(refusal.subject)}, whom it is for,` : '';
      return `Only ${mention(refusal.requester)}, who made this request,${forWhom} can cancel it; nothing was changed.`;
    }
    case 'request_for_others_not_allowed':
      return requestForOthersRefusal(refusal);
    case 'step_up_required':
      return `Approving this level on ${code(refusal.cluster)} needs a step-up: use the card's Approve button, which asks you to type the cluster name. Nothing was approved.`;
    case 'step_up_mismatch':
      return `The name you typed is not ${code(refusal.cluster)}, so nothing was approved.`;
    case 'no_pending_request':
      return `You have no pending request on ${code(refusal.cluster)}; nothing was cancelled. To end access you already have, say \`revoke my access to ${refusal.cluster}\`.`;
    case 'break_glass_refused':
      return breakGlassRefusal(refusal.cluster, refusal.reason);
    case 'not_break_glass':
      return 'That request was not a break-glass grant; there is no review to acknowledge.';
    case 'review_already_acknowledged':
      return `This break-glass review was already acknowledged by ${mention(refusal.by)}; nothing was changed.`;
    case 'node_entry_protected':
      return `No access entry was created for ${code(refusal.principalArn)} on ${code(refusal.cluster)}: ${escapeUserText(refusal.reason)}. On API_AND_CONFIG_MAP clusters an access entry takes precedence over aws-auth for the same principal. Nothing was written.`;
    case 'aws_auth_cluster_admin':
      return `${code(refusal.principalArn)} already has cluster-admin through aws-auth (\`system:masters\`) on ${code(refusal.cluster)}; an access entry would replace it. Nothing was written.`;
    case 'wrong_authentication_mode':
      return `Cluster ${code(refusal.cluster)} is in ${code(refusal.mode)} mode, so it uses the aws-auth ConfigMap, not access entries. Switch it to API_AND_CONFIG_MAP (one way) or set \`method: aws-auth\` for it.`;
  }
}

function requestForOthersRefusal(refusal: Extract<Refusal, { code: 'request_for_others_not_allowed' }>): string {
  const people = [...refusal.approvers, ...refusal.listed.filter((id) => !refusal.approvers.includes(id))];
  const who = people.length > 0 ? people.map(mention).join(', ') : 'nobody';
  return `You can ask for access only for yourself on ${code(refusal.cluster)}, so nothing was filed for ${mention(refusal.subject)}. Asking for someone else is for the cluster's approvers and the people its config lists under \`requestForOthers\` (${who}). ${mention(refusal.subject)} can ask for it themselves (\`grant me <level> on ${refusal.cluster}\`), or one of those people can ask for them.`;
}

function breakGlassRefusal(
  cluster: string,
  reason: 'not_configured' | 'not_allowed' | 'needs_reason' | 'only_for_yourself',
): string {
  switch (reason) {
    case 'not_configured':
      return `Break-glass is not enabled for ${code(cluster)}; nothing was granted. Ask for access the usual way.`;
    case 'not_allowed':
      return `You are not on the break-glass list for ${code(cluster)}; nothing was granted. Ask for access the usual way.`;
    case 'needs_reason':
      return 'Break-glass needs a reason, e.g. `break glass admin on prod-cluster because INC-123`; nothing was granted.';
    case 'only_for_yourself':
      return 'Break-glass grants access only to the person asking; nothing was granted.';
  }
}
