import { describe, expect, it } from 'vitest';
import { renderMessageText, richText } from '../../../../src/adapters/terminal/message-text.ts';
import { ACTIONS, type Message } from '../../../../src/core/messages/message.ts';
import {
  cluster,
  code,
  everyone,
  icon,
  link,
  person,
  place,
  rich,
  said,
  strong,
} from '../../../../src/core/messages/rich.ts';

const NAMES = { U0ALICE: 'alice', C0APPROVALS: 'eks-approvals' };

describe('the neutral message as terminal text', () => {
  it('prints heading, text, fields, a code block, a status line and numbered buttons', () => {
    const card: Message = {
      text: 'Access request',
      parts: [
        { kind: 'header', text: 'Access request R1: view on prod-cluster' },
        { kind: 'text', text: rich`${person('U0ALICE')} asks for ${strong('view')} on ${cluster('prod-cluster')}.` },
        {
          kind: 'fields',
          fields: [
            { label: 'Request', value: [code('R1')] },
            { label: 'Reason', value: [said('INC-42\nline two')] },
          ],
        },
        { kind: 'code', title: [strong('Change')], lines: ['+ a', '- b'] },
        { kind: 'context', text: rich`${icon('ok')} Approvals: 0 of 1` },
        {
          kind: 'buttons',
          buttons: [
            { action: ACTIONS.approve, label: 'Approve', value: 'R1', style: 'primary' },
            { action: ACTIONS.deny, label: 'Deny', value: 'R1', style: 'danger' },
          ],
        },
      ],
    };

    const rendered = renderMessageText(card, { names: NAMES, firstButton: 3 });

    expect(rendered.lines).toEqual([
      '== Access request R1: view on prod-cluster ==',
      '@alice asks for view on prod-cluster.',
      'Request: `R1`',
      'Reason: INC-42 line two',
      'Change',
      '    + a',
      '    - b',
      '  ✓ Approvals: 0 of 1',
      '[3] Approve  [4] Deny',
    ]);
    expect(rendered.buttons).toEqual([
      { number: 3, action: 'approve', value: 'R1', label: 'Approve' },
      { number: 4, action: 'deny', value: 'R1', label: 'Deny' },
    ]);
  });

  it('shows places, links and broadcasts in words, and typed text as typed, without control characters', () => {
    const text = richText(
      rich`${everyone} in ${place('C0APPROVALS')}, see ${link('https://example.com', 'the card')}: ${said('<b> & \u001b[31mred')}`,
      NAMES,
    );

    expect(text).toBe('@here in #eks-approvals, see the card (https://example.com): <b> & �[31mred');
  });

  it('falls back to the message text when it has no parts', () => {
    expect(renderMessageText({ text: rich`Hello ${person('U0BOB')}`, parts: [] }).lines).toEqual(['Hello @U0BOB']);
  });
});
