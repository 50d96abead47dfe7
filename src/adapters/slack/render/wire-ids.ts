import { ACTIONS, type Action } from '../../../core/messages/message.ts';

/**
 * The Slack `action_id` of each neutral action. A public contract: messages already posted carry these ids and
 * people still click them, so an id never changes once shipped.
 */
export const SLACK_ACTION_IDS = {
  [ACTIONS.approve]: 'eks_access_approve',
  [ACTIONS.deny]: 'eks_access_deny',
  [ACTIONS.requestAccess]: 'eks_access_request',
  [ACTIONS.diagnose]: 'eks_access_diagnose',
  [ACTIONS.migrateEntries]: 'eks_access_migrate_entries',
  [ACTIONS.done]: 'eks_access_done',
  [ACTIONS.extend]: 'eks_access_extend',
  [ACTIONS.approveStepUp]: 'eks_access_approve_step_up',
  [ACTIONS.cancel]: 'eks_access_cancel',
  [ACTIONS.acknowledgeReview]: 'eks_access_ack_review',
  [ACTIONS.unlink]: 'eks_access_unlink',
} as const satisfies Record<Action, string>;

export type SlackActionId = (typeof SLACK_ACTION_IDS)[Action];

/** Modal `callback_id`s: the deny reason and the step-up confirmation (as public as the action ids). */
export const SLACK_VIEWS = {
  denyReason: 'eks_access_deny_reason',
  stepUp: 'eks_access_step_up',
} as const;

const BY_WIRE_ID = new Map<string, Action>(
  Object.entries(SLACK_ACTION_IDS).map(([action, id]) => [id, action as Action]),
);

/** The neutral action of a Slack action id; undefined for an id the bot never sent. */
export function actionOfSlackId(id: string): Action | undefined {
  return BY_WIRE_ID.get(id);
}
