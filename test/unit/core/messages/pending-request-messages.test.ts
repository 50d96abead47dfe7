import { describe, expect, it } from 'vitest';
import { currentAccessPart } from '../../../../src/core/messages/current-access.ts';
import { ACTIONS, type Message } from '../../../../src/core/messages/message.ts';
import { requestCard, requestReceivedReply, statusReply } from '../../../../src/core/messages/request-messages.ts';
import { stepUpSummary } from '../../../../src/core/messages/step-up-text.ts';
import type { AccessRequest } from '../../../../src/core/request/request.ts';
import { asMrkdwn, asMrkdwnText } from '../../../support/mrkdwn-message.ts';
import { BOB, pendingRequest } from '../request/fixtures.ts';

const POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';

function actions(message: Message): string[] {
  return message.parts.flatMap((p) => (p.kind === 'buttons' ? p.buttons.map((b) => b.action) : []));
}

function allText(message: Message): string {
  return asMrkdwn(message)
    .parts.map((p) => ('text' in p ? p.text : JSON.stringify(p)))
    .join('\n');
}

describe('approval card for a pending request', () => {
  it('on aws-auth shows the prior item in the diff and what the end restores', () => {
    const request = pendingRequest({
      awsAuthPreview: {
        lines: [
          '- rolearn: arn:aws:iam::111122223333:role/dev',
          '-   groups: [readers]',
          '+   groups: [readers, eks-access:admin]',
        ],
        checks: ['ok creator not mapped'],
        isSafe: true,
      },
    });

    const text = allText(requestCard(request, POLICY, 1));

    expect(text).toContain('groups: [readers]');
    expect(text).toContain('*What the end restores*: the item goes back to exactly what it is now');
  });

  it.each<[AccessRequest['level'], readonly AccessRequest['level'][] | undefined, string]>([
    ['cluster-admin', undefined, ACTIONS.approveStepUp],
    ['view', undefined, ACTIONS.approve],
    ['admin', ['admin'], ACTIONS.approveStepUp],
  ])('%s (stepUpLevels %j) carries the Approve action %s', (level, stepUpLevels, action) => {
    const card = requestCard(pendingRequest({ level }), POLICY, 1, { stepUpLevels });

    expect(actions(card)).toEqual([action, ACTIONS.deny]);
  });

  it('shows the current access beside the change: bot grants and the access entry’s policies', () => {
    const request = pendingRequest({
      currentAccess: {
        grants: [{ id: 'R0000000009', level: 'view', expiresAt: Date.UTC(2026, 0, 2, 3, 4) }],
        entry: {
          kind: 'present',
          policies: [
            { policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', scope: 'whole cluster' },
          ],
        },
      },
    });

    const text = allText(requestCard(request, POLICY, 1));

    expect(text).toContain('*Current access on this cluster*');
    expect(text).toContain('view (`R0000000009`, ends 2026-01-02 03:04 UTC)');
    expect(text).toContain('`AmazonEKSViewPolicy` (whole cluster)');
  });

  it.each([
    [{ kind: 'none' as const }, 'no access entry'],
    [{ kind: 'unknown' as const, reason: 'AWS said ThrottlingException' }, 'unknown (AWS said ThrottlingException)'],
  ])('says %j plainly', (entry, expected) => {
    const [part] = asMrkdwn({ text: '', parts: currentAccessPart({ grants: [], entry }) }).parts;

    expect(part).toEqual({ kind: 'text', text: expect.stringContaining(`EKS access entry: ${expected}`) });
    expect(part).toEqual({ kind: 'text', text: expect.stringContaining('eks-access grants: none') });
  });

  it('escapes what AWS or a person could have put in the current-access text', () => {
    const [part] = asMrkdwn({
      text: '',
      parts: currentAccessPart({ grants: [], entry: { kind: 'unknown', reason: '<!channel> *boom*' } }),
    }).parts;

    expect(part && 'text' in part ? part.text : '').not.toContain('<!channel>');
  });
});

describe('the requester’s side', () => {
  it('offers Cancel while pending, and drops it once decided', () => {
    const pending = requestReceivedReply(pendingRequest(), [BOB]);
    const cancelled = requestReceivedReply(pendingRequest({ status: 'cancelled', cancelled: { by: BOB, at: 1 } }), [
      BOB,
    ]);

    expect(actions(pending)).toEqual([ACTIONS.cancel]);
    expect(actions(cancelled)).toEqual([]);
    expect(allText(cancelled)).toContain('Cancelled by');
  });

  it('passes the deny reason on escaped and clipped', () => {
    const reason = `<!channel> not without a ticket ${'x'.repeat(400)}`;
    const denied = pendingRequest({ status: 'denied', denial: { by: BOB, at: 2, reason } });

    const text = asMrkdwn(statusReply(denied)).text;

    expect(text).toContain('&lt;!channel&gt; not without a ticket');
    expect(text).not.toContain('<!channel>');
    expect(text.length).toBeLessThan(400);
  });

  it('says a lapsed request timed out, which is not an expired grant', () => {
    expect(asMrkdwn(statusReply(pendingRequest({ status: 'lapsed', lapsedAt: 5 }))).text).toContain('Lapsed');
  });

  it('restates the exact change in the step-up modal', () => {
    const request = pendingRequest({ level: 'cluster-admin', namespaces: ['payments'], durationMs: 3_600_000 });

    const summary = asMrkdwnText(stepUpSummary(request, POLICY));

    for (const expected of [
      request.principalArn,
      '`prod-cluster`',
      POLICY,
      'namespaces `payments`',
      '1h',
      '<@U0ALICE>',
    ]) {
      expect(summary).toContain(expected);
    }
  });
});
