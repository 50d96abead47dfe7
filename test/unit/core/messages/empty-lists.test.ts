import { describe, expect, it } from 'vitest';
import { asPersonId } from '../../../../src/core/ids.ts';
import { describeRefusal } from '../../../../src/core/messages/describe-refusal.ts';
import { listOr } from '../../../../src/core/messages/list-text.ts';
import { asMrkdwnText } from '../../../support/mrkdwn-message.ts';

describe('sentences that end in a list still read when the list is empty', () => {
  it('names the approvers when there are some, and says there are none otherwise', () => {
    const some = asMrkdwnText(describeRefusal({ code: 'not_an_approver', approvers: [asPersonId('U0APPROVER1')] }));
    const none = asMrkdwnText(describeRefusal({ code: 'not_an_approver', approvers: [] }));

    expect(some).toBe('You are not an approver for this cluster. Approvers: <@U0APPROVER1>.');
    expect(none).not.toContain('Approvers:');
    expect(none).toContain('has no approvers configured');
  });

  it('an unknown cluster with no list to offer ends after the name', () => {
    const text = asMrkdwnText(describeRefusal({ code: 'unknown_cluster', given: 'qa', available: [] }));

    expect(text).toBe("I don't know a cluster called `qa`.");
  });

  it.each([
    [[], 'nobody', 'nobody'],
    [['a'], 'nobody', 'a'],
    [['a', 'b'], 'nobody', 'a, b'],
  ])('listOr(%j)', (items, whenEmpty, expected) => {
    expect(asMrkdwnText(listOr(items, whenEmpty))).toBe(expected);
  });
});
