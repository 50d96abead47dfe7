import { describe, expect, it } from 'vitest';
import { mrkdwnText, renderBlockKitAsText } from '../../../../sandbox/demo/block-kit-text.ts';
import { renderBlockKit } from '../../../../src/adapters/slack/render/block-kit.ts';
import { SLACK_ACTION_IDS } from '../../../../src/adapters/slack/render/wire-ids.ts';
import { ACTIONS, type Message } from '../../../../src/core/messages/message.ts';

const NAMES = { U0ALICE: 'alice', U0BOB: 'bob', C0APPROVALS: 'eks-approvals' };

describe('mrkdwn → terminal text', () => {
  it.each([
    ['a mention of a known person', 'for <@U0ALICE>', 'for @alice'],
    ['a mention of someone unknown', 'for <@U0ZED>', 'for @U0ZED'],
    ['a mention with its own label', 'for <@U0ALICE|ali>', 'for @ali'],
    ['a channel by id', 'in <#C0APPROVALS>', 'in #eks-approvals'],
    ['a channel with a label', 'in <#C0OTHER|ops>', 'in #ops'],
    ['a labelled link', '<https://docs.aws.amazon.com/eks|the guide>', 'the guide (https://docs.aws.amazon.com/eks)'],
    ['a bare link', '<https://example.com/a?b=1&amp;c=2>', 'https://example.com/a?b=1&c=2'],
    ['a broadcast', '<!here> look', '@here look'],
    ['entities', 'a &lt;b&gt; &amp; c', 'a <b> & c'],
    ['a known emoji', ':white_check_mark: done', '✅ done'],
    ['an unknown emoji', ':partyparrot: done', ':partyparrot: done'],
    ['an ARN, untouched', 'arn:aws:iam::111122223333:role/x', 'arn:aws:iam::111122223333:role/x'],
  ])('%s', (_, raw, expected) => {
    expect(mrkdwnText(raw, NAMES)).toBe(expected);
  });
});

describe('Block Kit → terminal text', () => {
  it('renders a card built by the Slack adapter: header, text, fields, context and numbered buttons', () => {
    const card: Message = {
      text: 'Access request',
      parts: [
        { kind: 'header', text: 'Access request R1: view on prod-cluster' },
        { kind: 'text', text: '<@U0ALICE> asks for *view* on `prod-cluster`.' },
        {
          kind: 'fields',
          fields: [
            { label: 'Cluster', value: '`prod-cluster`' },
            { label: 'Reason', value: 'INC-42' },
          ],
        },
        { kind: 'context', text: 'Approvers: <@U0BOB>' },
        {
          kind: 'buttons',
          buttons: [
            { action: ACTIONS.approve, label: 'Approve', value: 'R1', style: 'primary' },
            { action: ACTIONS.deny, label: 'Deny', value: 'R1', style: 'danger' },
          ],
        },
      ],
    };

    const rendered = renderBlockKitAsText(renderBlockKit(card), { names: NAMES, firstButton: 4 });

    expect(rendered.lines).toEqual([
      '▌ Access request R1: view on prod-cluster',
      '@alice asks for *view* on `prod-cluster`.',
      '  Cluster: `prod-cluster`',
      '  Reason: INC-42',
      '  Approvers: @bob',
      '  [4] Approve   [5] Deny',
    ]);
    expect(rendered.buttons).toEqual([
      expect.objectContaining({
        number: 4,
        actionId: SLACK_ACTION_IDS[ACTIONS.approve],
        value: 'R1',
        label: 'Approve',
      }),
      expect.objectContaining({ number: 5, actionId: SLACK_ACTION_IDS[ACTIONS.deny], value: 'R1', label: 'Deny' }),
    ]);
  });

  it('numbers a section accessory button and keeps the block id for the click payload', () => {
    const blocks = [
      {
        type: 'section',
        block_id: 'b1',
        text: { type: 'mrkdwn', text: 'Your access ends soon.' },
        accessory: {
          type: 'button',
          action_id: 'eks_access_extend',
          value: 'R9',
          text: { type: 'plain_text', text: 'Extend' },
        },
      },
    ];

    const rendered = renderBlockKitAsText({ blocks });

    expect(rendered.lines).toEqual(['Your access ends soon.', '  [1] Extend']);
    expect(rendered.buttons[0]).toMatchObject({ actionId: 'eks_access_extend', value: 'R9', blockId: 'b1' });
  });

  it.each([
    ['divider', { type: 'divider' }, ['  ────────']],
    ['image', { type: 'image', image_url: 'https://x/y.png', alt_text: 'a graph' }, ['  [image: a graph]']],
    ['markdown', { type: 'markdown', text: '**bold**\nline' }, ['**bold**', 'line']],
    ['an unknown type', { type: 'table' }, ['  [table block]']],
    [
      'rich_text with a list and a mention',
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'Hi ' },
              { type: 'user', user_id: 'U0BOB' },
            ],
          },
          {
            type: 'rich_text_list',
            elements: [
              { type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] },
              { type: 'rich_text_section', elements: [{ type: 'emoji', name: 'x' }] },
            ],
          },
        ],
      },
      ['Hi @bob', '• one', '• ❌'],
    ],
    [
      'actions with a select and a link button',
      {
        type: 'actions',
        elements: [
          { type: 'static_select', placeholder: { type: 'plain_text', text: 'Pick a cluster' } },
          { type: 'button', action_id: 'open', url: 'https://example.com', text: { type: 'plain_text', text: 'Docs' } },
        ],
      },
      ['  [static_select: Pick a cluster]   [1] Docs (https://example.com)'],
    ],
  ])('renders %s', (_, block, expected) => {
    expect(renderBlockKitAsText({ blocks: [block] }, { names: NAMES }).lines).toEqual(expected);
  });

  it('falls back to the message text when there are no blocks, decoded', () => {
    const rendered = renderBlockKitAsText({ text: 'Hello <@U0ALICE>\nsecond line', blocks: [] }, { names: NAMES });

    expect(rendered).toEqual({ lines: ['Hello @alice', 'second line'], buttons: [] });
  });

  it.each([
    ['not an array of objects', [null, 3, 'x', ['nested']]],
    ['blocks without the fields they should have', [{ type: 'section' }, { type: 'header' }, { type: 'actions' }]],
  ])('never throws on %s', (_, blocks) => {
    expect(() => renderBlockKitAsText({ blocks })).not.toThrow();
    expect(renderBlockKitAsText({ blocks }).buttons).toEqual([]);
  });
});
