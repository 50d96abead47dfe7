import { describe, expect, it } from 'vitest';
import type { Level } from '../../../../src/core/levels.ts';
import { stepUpSummary } from '../../../../src/core/messages/step-up-text.ts';
import type { RequestStatus } from '../../../../src/core/request/request.ts';
import { checkStepUp, needsStepUp } from '../../../../src/core/request/step-up.ts';
import { transition } from '../../../../src/core/request/transitions.ts';
import { asMrkdwnText } from '../../../support/mrkdwn-message.ts';
import { ALICE, BOB, CAROL, pendingRequest, policy } from './fixtures.ts';

describe('cancel: only the requester or the subject, only while pending', () => {
  it('cancels a pending request for its requester and records who and when', () => {
    const result = transition(pendingRequest(), { type: 'cancel', by: ALICE, at: 5 });

    expect(result).toMatchObject({
      ok: true,
      next: { status: 'cancelled', cancelled: { by: ALICE, at: 5 }, version: 2 },
    });
  });

  it('refuses an approver, naming the requester and the person it is for', () => {
    const request = pendingRequest({ requester: ALICE, subject: CAROL });

    const result = transition(request, { type: 'cancel', by: BOB, at: 5 });

    expect(result).toEqual({ ok: false, refusal: { code: 'not_the_requester', requester: ALICE, subject: CAROL } });
  });

  it('refuses anyone else on a request for oneself, naming only the requester', () => {
    const result = transition(pendingRequest(), { type: 'cancel', by: BOB, at: 5 });

    expect(result).toEqual({ ok: false, refusal: { code: 'not_the_requester', requester: ALICE } });
  });

  it('lets the subject of a grant someone else asked for cancel it (access they did not ask for)', () => {
    const request = pendingRequest({ requester: ALICE, subject: CAROL });

    const result = transition(request, { type: 'cancel', by: CAROL, at: 5 });

    expect(result).toMatchObject({ ok: true, next: { status: 'cancelled', cancelled: { by: CAROL, at: 5 } } });
  });

  it.each<RequestStatus>(['approved', 'applying', 'granted', 'denied', 'lapsed', 'cancelled'])(
    'refuses to cancel a request that is %s',
    (status) => {
      expect(transition(pendingRequest({ status }), { type: 'cancel', by: ALICE, at: 5 })).toEqual({
        ok: false,
        refusal: { code: 'already_decided', status },
      });
    },
  );

  it('refuses an approval after the cancel', () => {
    const cancelled = transition(pendingRequest(), { type: 'cancel', by: ALICE, at: 5 });
    if (!cancelled.ok) throw new Error('cancel refused');

    const late = transition(cancelled.next, { type: 'approve', by: BOB, at: 6, policy: policy([BOB]) });

    expect(late).toEqual({ ok: false, refusal: { code: 'already_decided', status: 'cancelled' } });
  });
});

describe('lapse: a pending request nobody decided', () => {
  it('lapses a pending request (a status of its own, not an expired grant)', () => {
    const result = transition(pendingRequest(), { type: 'lapse', at: 9 });

    expect(result).toMatchObject({ ok: true, next: { status: 'lapsed', lapsedAt: 9 } });
  });

  it.each<RequestStatus>(['approved', 'granted', 'denied', 'cancelled', 'expired'])(
    'leaves a %s request as it is',
    (status) => {
      expect(transition(pendingRequest({ status }), { type: 'lapse', at: 9 }).ok).toBe(false);
    },
  );

  it.each(['approve', 'deny'] as const)('refuses to %s a lapsed request', (type) => {
    const lapsed = pendingRequest({ status: 'lapsed' });

    expect(transition(lapsed, { type, by: BOB, at: 10, policy: policy([BOB]) })).toEqual({
      ok: false,
      refusal: { code: 'already_decided', status: 'lapsed' },
    });
  });
});

describe('step-up for dangerous levels', () => {
  it.each<[Level, readonly Level[] | undefined, boolean]>([
    ['cluster-admin', undefined, true],
    ['admin', undefined, false],
    ['view', undefined, false],
    ['admin', ['admin', 'cluster-admin'], true],
    ['cluster-admin', [], false],
    ['edit', ['edit'], true],
  ])('%s with stepUpLevels %j needs a step-up: %s', (level, levels, expected) => {
    expect(needsStepUp(pendingRequest({ level }), levels)).toBe(expected);
  });

  it.each([
    ['migrate', 'view'],
    ['recover', 'cluster-admin'],
  ] as const)('always asks for a step-up on a %s, whatever stepUpLevels says', (kind, level) => {
    expect(needsStepUp(pendingRequest({ kind, level }), [])).toBe(true);
    expect(checkStepUp(pendingRequest({ kind, level }), [], undefined)).toEqual({
      code: 'step_up_required',
      cluster: 'prod-cluster',
    });
  });

  it('restates a migration as the one-way mode change, and a recovery as cluster-admin for the subject', () => {
    const migration = asMrkdwnText(stepUpSummary(pendingRequest({ kind: 'migrate' }), 'unused'));
    const recovery = asMrkdwnText(
      stepUpSummary(
        pendingRequest({ kind: 'recover', level: 'cluster-admin' }),
        'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      ),
    );

    expect(migration).toContain('cannot be undone');
    expect(migration).toContain('API_AND_CONFIG_MAP');
    expect(recovery).toContain('lock-out recovery');
    expect(recovery).toContain('AmazonEKSClusterAdminPolicy');
  });

  it.each([
    ['no confirmation (an edited payload)', undefined, { code: 'step_up_required', cluster: 'prod-cluster' }],
    ['a near miss', 'Prod-Cluster', { code: 'step_up_mismatch', cluster: 'prod-cluster' }],
    ['an alias', 'prod', { code: 'step_up_mismatch', cluster: 'prod-cluster' }],
    ['the exact name', 'prod-cluster', undefined],
    ['the exact name with spaces around', '  prod-cluster ', undefined],
  ])('checks %s', (_, typed, expected) => {
    expect(checkStepUp(pendingRequest({ level: 'cluster-admin' }), undefined, typed)).toEqual(expected);
  });

  it('refuses to approve cluster-admin without the confirmation, and approves with it', () => {
    const request = pendingRequest({ level: 'cluster-admin' });
    const rules = policy([BOB]);

    const forged = transition(request, { type: 'approve', by: BOB, at: 2, policy: rules });
    const confirmed = transition(request, {
      type: 'approve',
      by: BOB,
      at: 2,
      policy: rules,
      confirmedCluster: 'prod-cluster',
    });

    expect(forged).toEqual({ ok: false, refusal: { code: 'step_up_required', cluster: 'prod-cluster' } });
    expect(confirmed.ok && confirmed.next.status).toBe('approved');
  });

  it('applies the cluster’s own stepUpLevels, and still lets a deny through without one', () => {
    const request = pendingRequest({ level: 'edit' });
    const rules = policy([BOB]);

    const approve = transition(request, { type: 'approve', by: BOB, at: 2, policy: rules, stepUpLevels: ['edit'] });
    const deny = transition(request, { type: 'deny', by: BOB, at: 2, policy: rules, reason: 'no' });

    expect(approve).toEqual({ ok: false, refusal: { code: 'step_up_required', cluster: 'prod-cluster' } });
    expect(deny.ok && deny.next.status).toBe('denied');
  });

  it('checks approver rights before the step-up: a stranger learns nothing about the modal', () => {
    const result = transition(pendingRequest({ level: 'cluster-admin' }), {
      type: 'approve',
      by: CAROL,
      at: 2,
      policy: policy([BOB]),
      confirmedCluster: 'prod-cluster',
    });

    expect(result).toEqual({ ok: false, refusal: { code: 'not_an_approver', approvers: [BOB] } });
  });
});
