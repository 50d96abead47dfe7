import { describe, expect, it } from 'vitest';
import { SLACK_ACTION_IDS } from '../../../../src/adapters/slack/render/wire-ids.ts';
import { asPersonId, asRequestId } from '../../../../src/core/ids.ts';
import {
  HOME_CANCELLABLE,
  HOME_MAX_BLOCKS,
  type HomeInput,
  linesWithin,
  homeView as neutralHomeView,
} from '../../../../src/core/messages/home-view.ts';
import type { AccessRequest } from '../../../../src/core/request/request.ts';
import { asMrkdwn, asMrkdwnText, type MrkdwnPart } from '../../../support/mrkdwn-message.ts';
import { ALICE, BOB, pendingRequest } from '../request/fixtures.ts';

const NOW = 1_700_000_000_000;

function granted(n: number, expiresAt = NOW + 2 * 3_600_000 + 5 * 60_000): AccessRequest {
  return pendingRequest({
    id: asRequestId(`RG${n}`),
    status: 'granted',
    outcome: {
      principalArn: pendingRequest().principalArn,
      policyArn: 'p',
      hadEntryBefore: false,
      hadPolicyBefore: false,
      verifiedAt: NOW,
      expiresAt,
    },
  });
}

const pending = (n: number, overrides: Partial<AccessRequest> = {}) =>
  pendingRequest({ id: asRequestId(`RP${n}`), requester: BOB, subject: BOB, reason: 'x'.repeat(200), ...overrides });

const buttons = (parts: readonly MrkdwnPart[]) =>
  parts.flatMap((p) => (p.kind === 'buttons' ? p.buttons.map((b) => `${b.label}:${b.value}`) : []));
/** The view as the Slack adapter writes its texts (mrkdwn). */
const homeView = (input: HomeInput) => asMrkdwn(neutralHomeView(input));
const texts = (parts: readonly MrkdwnPart[]) => parts.map((p) => ('text' in p ? p.text : '')).join('\n');

describe('homeView', () => {
  it('shows active grants with time left and Revoke / Extend, pending requests, and what waits on an approver', () => {
    const view = homeView({
      user: ALICE,
      now: NOW,
      grants: [granted(1)],
      pending: [pendingRequest({ id: asRequestId('RMINE') })],
      waiting: [pending(1)],
      isApprover: true,
    });

    expect(texts(view.parts)).toContain('2h 5m left');
    expect(texts(view.parts)).toContain('`RMINE`');
    expect(texts(view.parts)).toContain('Waiting for your approval');
    expect(buttons(view.parts)).toEqual(['Revoke:RG1', 'Extend:RG1', 'Cancel:RMINE', 'Approve:RP1', 'Deny:RP1']);
  });

  it('gives a waiting request that needs a step-up the Approve that opens the modal', () => {
    const view = homeView({
      user: ALICE,
      now: NOW,
      grants: [],
      pending: [],
      waiting: [pending(1), pending(2, { level: 'cluster-admin' })],
      isApprover: true,
      needsStepUp: (r) => r.level === 'cluster-admin',
    });

    const actions = view.parts.flatMap((p) =>
      p.kind === 'buttons' ? p.buttons.map((b) => `${SLACK_ACTION_IDS[b.action]}:${b.value}`) : [],
    );
    expect(actions).toContain('eks_access_approve:RP1');
    expect(actions).toContain('eks_access_approve_step_up:RP2');
    expect(actions).not.toContain('eks_access_approve:RP2');
  });

  it('has no approval section for someone who approves nothing', () => {
    const view = homeView({ user: ALICE, now: NOW, grants: [], pending: [], waiting: [], isApprover: false });

    expect(texts(view.parts)).not.toContain('Waiting for your approval');
    expect(texts(view.parts)).toContain('None right now.');
  });

  it.each([0, 1, 19, 20, 21, 500])(
    'with %i of everything stays within 100 blocks and 3,000 characters, saying how many are left out',
    (n) => {
      const view = homeView({
        user: ALICE,
        now: NOW,
        grants: Array.from({ length: n }, (_, i) => granted(i)),
        pending: Array.from({ length: n }, (_, i) =>
          pendingRequest({ id: asRequestId(`RQ${i}`), reason: 'y'.repeat(250) }),
        ),
        waiting: Array.from({ length: n }, (_, i) => pending(i)),
        isApprover: true,
      });

      expect(view.parts.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
      for (const part of view.parts) if ('text' in part) expect(part.text.length).toBeLessThanOrEqual(3000);
      if (n > 20) {
        expect(texts(view.parts)).toContain(`…and ${n - 20} more active grants`);
        expect(texts(view.parts)).toContain(`…and ${n - 20} more requests waiting on you`);
      }
      if (n === 500) expect(texts(view.parts)).toMatch(/…and \d+ more\n|…and \d+ more$/m);
      // Nothing is cut off at the block limit: the last block is still the footer, every list still has its buttons.
      expect(view.parts.at(-1)?.kind).toBe('context');
      expect(texts(view.parts.slice(-1))).toContain('Updated');
      const cancels = buttons(view.parts).filter((b) => b.startsWith('Cancel:'));
      expect(cancels).toHaveLength(Math.min(n, HOME_CANCELLABLE));
      expect(buttons(view.parts).filter((b) => b.startsWith('Approve:'))).toHaveLength(Math.min(n, 20));
    },
  );

  it('mentions the subject when the grant is for someone else', () => {
    const view = homeView({
      user: BOB,
      now: NOW,
      grants: [{ ...granted(1), requester: asPersonId(BOB) }],
      pending: [],
      waiting: [],
      isApprover: false,
    });

    expect(texts(view.parts)).toContain(`for <@${ALICE}>`);
  });
});

describe('linesWithin', () => {
  it.each([
    [['a', 'b'], 100, 'a\nb'],
    [['aaaa', 'bbbb', 'cccc'], 20, 'aaaa\n…and 2 more'],
  ])('%j within %i → %j', (lines, max, expected) => {
    expect(asMrkdwnText(linesWithin(lines, max))).toBe(expected);
  });
});
