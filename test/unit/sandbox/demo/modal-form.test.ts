import { describe, expect, it } from 'vitest';
import { ModalForm, REQUIRED_FIELD } from '../../../../sandbox/demo/modal-form.ts';
import { denyReasonModal, MODAL_INPUTS, stepUpModal } from '../../../../src/adapters/slack/render/modals.ts';

const metadata = { requestId: 'R0000000001', channel: 'C0APPROVALS', ts: '1.000001' };
const opened = (view: object, id = 'V0001') => ({ ...(view as Record<string, unknown>), id, state: { values: {} } });

describe('a modal as a terminal form', () => {
  it("shows the bot's deny modal with its title, text, a numbered field and the submit and close labels", () => {
    const form = new ModalForm(opened(denyReasonModal(metadata)));

    expect(form.lines()).toEqual([
      '┌ Deny request',
      '│ Deny request `R0000000001`? The reason goes to the requester.',
      '│ (1) Reason: (empty)',
      '└ /fill N text   /submit = Deny   /close = Back',
    ]);
  });

  it('reports view.state.values keyed by block_id then action_id, as Slack does, with null for an empty input', () => {
    const form = new ModalForm(opened(denyReasonModal(metadata)));
    const empty = form.stateValues();
    form.fill(1, 'not during the freeze');

    expect(empty).toEqual({ deny_reason: { reason: { type: 'plain_text_input', value: null } } });
    expect(form.stateValues()).toEqual({
      [MODAL_INPUTS.reason.block]: {
        [MODAL_INPUTS.reason.action]: { type: 'plain_text_input', value: 'not during the freeze' },
      },
    });
  });

  it('refuses what the Slack client refuses: an empty required field, text past max_length, a field that is not there', () => {
    const form = new ModalForm(opened(stepUpModal({ ...metadata, cluster: 'prod-cluster' }, 'Approve?', 'Type it')));

    expect(form.clientErrors()).toEqual({ [MODAL_INPUTS.cluster.block]: REQUIRED_FIELD });
    expect(form.fill(1, 'x'.repeat(101))).toMatch(/at most 100 characters/);
    expect(form.fill(2, 'prod')).toMatch(/no field \(2\)/);
    expect(form.fill(1, 'prod-cluster')).toBeUndefined();
    expect(form.clientErrors()).toEqual({});
  });

  it("shows the app's response_action errors beside the field they name, and clears one when the field is filled again", () => {
    const form = new ModalForm(opened(stepUpModal({ ...metadata, cluster: 'prod-cluster' }, 'Approve?', 'Type it')));
    form.fill(1, 'prod');
    form.showErrors({ [MODAL_INPUTS.cluster.block]: 'That is not prod-cluster.' });
    const withError = form.lines();
    form.fill(1, 'prod-cluster');

    expect(withError).toContain('│     ⚠ That is not prod-cluster.');
    expect(form.lines().join('\n')).not.toContain('⚠');
  });

  it('keeps what was typed when the view is updated with the same block and action ids (views.update)', () => {
    const before = new ModalForm(opened(denyReasonModal(metadata)));
    before.fill(1, 'half typed');
    const after = new ModalForm(
      opened({ ...denyReasonModal(metadata), title: { type: 'plain_text', text: 'Deny?' } }),
      before,
    );

    expect(after.typed(1)).toBe('half typed');
  });

  it('fills selects by option text, value or position, and refuses an option that is not offered', () => {
    const form = new ModalForm(
      opened({
        type: 'modal',
        title: { type: 'plain_text', text: 'Pick' },
        submit: { type: 'plain_text', text: 'Go' },
        blocks: [
          {
            type: 'input',
            block_id: 'b',
            optional: true,
            label: { type: 'plain_text', text: 'Level' },
            element: {
              type: 'static_select',
              action_id: 'a',
              options: [
                { text: { type: 'plain_text', text: 'view' }, value: 'v' },
                { text: { type: 'plain_text', text: 'edit' }, value: 'e' },
              ],
            },
          },
        ],
      }),
    );

    expect(form.clientErrors()).toEqual({});
    expect(form.fill(1, 'admin')).toMatch(/one of: view, edit/);
    form.fill(1, '2');
    expect(form.stateValues()).toEqual({
      b: { a: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'edit' }, value: 'e' } } },
    });
  });

  it('shows a button inside a modal without a number, since /click cannot press it there', () => {
    const form = new ModalForm(
      opened({
        type: 'modal',
        title: { type: 'plain_text', text: 'Info' },
        blocks: [
          {
            type: 'actions',
            elements: [{ type: 'button', action_id: 'x', text: { type: 'plain_text', text: 'More' } }],
          },
        ],
      }),
    );

    expect(form.lines()).toEqual(['┌ Info', '│   ‹More›', '└ /close = Cancel']);
  });
});
