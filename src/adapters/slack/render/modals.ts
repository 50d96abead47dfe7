import type { ModalView } from '@slack/types';
import { truncate } from './limits.ts';
import { SLACK_VIEWS } from './wire-ids.ts';

/** Block and action ids of the modal inputs, read back from `view.state.values` on submission. */
export const MODAL_INPUTS = {
  reason: { block: 'deny_reason', action: 'reason' },
  cluster: { block: 'step_up_cluster', action: 'cluster_name' },
} as const;

/** Longest deny reason the modal accepts (the request parser keeps reasons to the same length). */
export const DENY_REASON_MAX = 500;

/** What a modal carries through Slack and back in `private_metadata`: only ids, read again on submission. */
export interface ModalMetadata {
  requestId: string;
  channel: string;
  ts: string;
  cluster?: string;
  /** Deny from the approver's App Home tab: the worker checks this is the view it published for them. */
  viewId?: string;
}

const SECTION_TEXT_MAX = 3_000;

export function denyReasonModal(metadata: ModalMetadata): ModalView {
  return {
    type: 'modal',
    callback_id: SLACK_VIEWS.denyReason,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Deny request' },
    submit: { type: 'plain_text', text: 'Deny' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(`Deny request \`${metadata.requestId}\`? The reason goes to the requester.`, SECTION_TEXT_MAX),
        },
      },
      {
        type: 'input',
        block_id: MODAL_INPUTS.reason.block,
        label: { type: 'plain_text', text: 'Reason' },
        element: {
          type: 'plain_text_input',
          action_id: MODAL_INPUTS.reason.action,
          multiline: true,
          max_length: DENY_REASON_MAX,
        },
      },
    ],
  };
}

export function stepUpModal(metadata: ModalMetadata, summary: string, label: string): ModalView {
  return {
    type: 'modal',
    callback_id: SLACK_VIEWS.stepUp,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Confirm approval' },
    submit: { type: 'plain_text', text: 'Approve' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(summary, SECTION_TEXT_MAX) } },
      {
        type: 'input',
        block_id: MODAL_INPUTS.cluster.block,
        label: { type: 'plain_text', text: truncate(label, 2_000) },
        element: { type: 'plain_text_input', action_id: MODAL_INPUTS.cluster.action, max_length: 100 },
      },
    ],
  };
}
