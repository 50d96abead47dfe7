import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../src/config/load.ts';
import { asChannelId, asPersonId } from '../../../../src/core/ids.ts';
import { describeRefusal } from '../../../../src/core/messages/describe-refusal.ts';
import { requestedForYouNotice } from '../../../../src/core/messages/for-others-messages.ts';
import { ACTIONS } from '../../../../src/core/messages/message.ts';
import { decideAutoApprove } from '../../../../src/core/request/approval.ts';
import { decideRequestForOthers } from '../../../../src/core/request/request-for-others.ts';
import { requestForOthersRule } from '../../../../src/core/settings.ts';
import { asMrkdwn, asMrkdwnText } from '../../../support/mrkdwn-message.ts';
import { ALICE, BOB, CAROL, DAVE, pendingRequest } from './fixtures.ts';

const LEADS = asPersonId('S0LEADS');
const ERIN = asPersonId('U0ERIN');
const base = { cluster: 'prod-cluster', approvers: [BOB], listed: [CAROL, LEADS], groupMembers: { [LEADS]: [DAVE] } };

describe('who may ask for whom', () => {
  it.each([
    ['anyone, for themselves', ERIN, ERIN, { allowed: true, via: 'self' }],
    ['an approver, for someone else', BOB, ALICE, { allowed: true, via: 'approver' }],
    ['a person listed under requestForOthers', CAROL, ALICE, { allowed: true, via: 'listed' }],
    ['a member of a listed user group', DAVE, ALICE, { allowed: true, via: 'listed' }],
  ] as const)('allows %s', (_name, requester, subject, expected) => {
    expect(decideRequestForOthers({ ...base, requester, subject })).toEqual(expected);
  });

  it('refuses anyone else asking for someone else, with who may and for whom', () => {
    const decision = decideRequestForOthers({ ...base, requester: ERIN, subject: ALICE });

    expect(decision).toEqual({
      allowed: false,
      refusal: {
        code: 'request_for_others_not_allowed',
        cluster: 'prod-cluster',
        subject: ALICE,
        approvers: [BOB],
        listed: [CAROL, LEADS],
      },
    });
  });

  it('fails closed for a user group whose members could not be resolved', () => {
    const decision = decideRequestForOthers({ ...base, groupMembers: {}, requester: DAVE, subject: ALICE });

    expect(decision.allowed).toBe(false);
  });

  it('never lets a person outside both lists ask for anyone but themselves', () => {
    const people = fc.constantFrom(ALICE, BOB, CAROL, DAVE, ERIN);
    fc.assert(
      fc.property(people, people, fc.subarray([BOB, CAROL, LEADS]), (requester, subject, listed) => {
        const decision = decideRequestForOthers({ ...base, listed, requester, subject });
        const isTrusted =
          requester === BOB || listed.includes(requester) || (listed.includes(LEADS) && requester === DAVE);

        expect(decision.allowed).toBe(requester === subject || isTrusted);
      }),
    );
  });

  it('says in the refusal who may ask for others and how the person can ask themselves', () => {
    const decision = decideRequestForOthers({ ...base, requester: ERIN, subject: ALICE });
    if (decision.allowed) throw new Error('allowed');

    const text = asMrkdwnText(describeRefusal(decision.refusal));

    expect(text).toContain('only for yourself on `prod-cluster`');
    expect(text).toContain('nothing was filed for <@U0ALICE>');
    expect(text).toContain('`requestForOthers`');
    expect(text).toContain('<@U0BOB>, <@U0CAROL>, <!subteam^S0LEADS>');
    expect(text).toContain('`grant me <level> on prod-cluster`');
  });
});

describe('requestForOthers in the config', () => {
  const yaml = (clusterExtra: string, topLevel = '') => `clusters:
  - name: prod-cluster
    region: us-east-1
    accountId: "111122223333"
    approvers: [U0APPROVER1]
    policies:
      edit: { approvers: [S0ONCALL] }
${clusterExtra}  - name: staging
    region: us-east-1
    accountId: "111122223333"
    approvers: [U0APPROVER1]
${topLevel}`;

  it('takes the cluster list over the top-level default, and adds the level policy approvers', () => {
    const config = parseConfig(yaml('    requestForOthers: [U0CAROL, S0LEADS]\n', 'requestForOthers: [U0DAVE]\n'), 't');
    const [prod, staging] = config.clusters;
    if (!prod || !staging) throw new Error('clusters missing');

    expect(requestForOthersRule(config, prod, 'grant', 'edit')).toEqual({
      approvers: ['U0APPROVER1', 'S0ONCALL'],
      listed: ['U0CAROL', 'S0LEADS'],
    });
    expect(requestForOthersRule(config, staging, 'grant', 'view')).toEqual({
      approvers: ['U0APPROVER1'],
      listed: ['U0DAVE'],
    });
  });

  it('is optional: without it only approvers may ask for others', () => {
    const config = parseConfig(yaml(''), 't');
    const prod = config.clusters[0];
    if (!prod) throw new Error('cluster missing');

    expect(requestForOthersRule(config, prod).listed).toEqual([]);
  });

  it('rejects an id that is neither a Slack user nor a user group', () => {
    expect(() => parseConfig(yaml('', 'requestForOthers: [alice]\n'), 't')).toThrow(/requestForOthers/);
  });
});

describe('automatic approval is only for the person asking for themselves', () => {
  it('leaves an auto-approved level filed for someone else to a person, before any cap is counted', () => {
    const decision = decideAutoApprove({
      kind: 'grant',
      isAutoLevel: true,
      isForSomeoneElse: true,
      cap: { count: 2, periodMs: 1 },
      usedInPeriod: 0,
    });

    expect(decision).toEqual({ auto: false, reason: 'for_someone_else' });
  });
});

describe('the DM to the person a request is for', () => {
  it('says who asked for what and where, and offers Cancel while pending', () => {
    const request = pendingRequest({
      requester: BOB,
      subject: ALICE,
      reason: 'on-call <!channel>',
      durationMs: 3_600_000,
    });

    // Asked in a channel: the use case passes it as the place the person can follow (sharedPlaceOf).
    const notice = asMrkdwn(requestedForYouNotice(request, '<#C0APPROVALS>', { place: request.channel }));

    expect(notice.text).toContain('<@U0BOB> asked for *view* on `prod-cluster` for <@U0ALICE>');
    expect(notice.text).toContain('in <#C0REQUESTS>');
    expect(notice.text).toContain('Request `R0000000001`');
    expect(notice.text).toContain('&lt;!channel&gt;');
    expect(notice.text).toContain('Approvers decide in <#C0APPROVALS>');
    expect(notice.parts).toContainEqual({
      kind: 'buttons',
      buttons: [{ action: ACTIONS.cancel, label: 'Cancel request', value: 'R0000000001', style: 'danger' }],
    });
  });

  it('loses Cancel and shows the outcome once decided', () => {
    const request = pendingRequest({
      requester: BOB,
      subject: ALICE,
      status: 'cancelled',
      cancelled: { by: ALICE, at: 2 },
    });

    const notice = asMrkdwn(requestedForYouNotice(request));

    expect(notice.parts.some((p) => p.kind === 'buttons')).toBe(false);
    expect(JSON.stringify(notice.parts)).toContain('Cancelled by <@U0ALICE>');
  });

  it('does not link a DM the person cannot open', () => {
    const request = pendingRequest({ requester: BOB, subject: ALICE, channel: asChannelId('D0BOBDM') });

    // No shared place (sharedPlaceOf gives none for a DM): the notice says where, without a link.
    const text = asMrkdwn(requestedForYouNotice(request)).text;
    expect(text).not.toContain('<#D0BOBDM>');
    expect(text).toContain('in their direct messages with me');
  });
});
