import { describe, expect, it } from 'vitest';
import { asRequestId } from '../../../src/core/ids.ts';
import type { Settings } from '../../../src/core/settings.ts';
import { lapseRequest } from '../../../src/usecases/review/lapse-request.ts';
import { remindApprovers } from '../../../src/usecases/review/remind-approvers.ts';
import { submitRequest } from '../../../src/usecases/submit/submit-request.ts';
import { inMemoryWorld } from '../../fakes/in-memory/ports.ts';
import { mrkdwnText } from '../../support/mrkdwn-message.ts';
import { ALICE, BOB, CAROL, DAVE, pendingRequest } from '../core/request/fixtures.ts';

const NOW = 1_700_000_000_000;
const H = 3_600_000;

function settings(pendingTimeout?: number): Settings {
  return {
    clusters: [
      {
        name: 'prod-cluster',
        aliases: [],
        region: 'us-east-1',
        accountId: '111122223333',
        method: 'access-entries',
        approvers: [BOB, CAROL, DAVE],
        requiredApprovals: 2,
        ...(pendingTimeout ? { pendingTimeout } : {}),
      },
    ],
    users: { [ALICE]: 'arn:aws:iam::111122223333:user/alice' },
  };
}

describe('filing schedules the lapse and the first approver reminder', () => {
  it('at the cluster’s pendingTimeout and one back-off step after filing, and records the current access', async () => {
    const world = inMemoryWorld(settings(6 * H), NOW);
    world.policies.set('arn:aws:iam::111122223333:user/alice', [
      { policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', scope: { type: 'cluster' } },
    ]);
    world.entries.set('arn:aws:iam::111122223333:user/alice', {
      principalArn: 'arn:aws:iam::111122223333:user/alice',
      type: 'STANDARD',
      kubernetesGroups: [],
      tags: {},
    });

    await submitRequest(world.deps, {
      requestId: asRequestId('R0000000042'),
      requester: ALICE,
      subject: ALICE,
      clusterGiven: 'prod-cluster',
      level: 'edit',
      namespaces: [],
      conversation: { channel: 'C0REQ', threadTs: '1.1' },
    });

    expect(world.timers).toEqual([
      { kind: 'lapse', id: 'R0000000042', at: NOW + 6 * H },
      { kind: 'approver-reminder', id: 'R0000000042', n: 1, at: NOW + H },
    ]);
    expect(world.requests.get('R0000000042')?.currentAccess).toEqual({
      grants: [],
      entry: {
        kind: 'present',
        policies: [
          {
            policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
            scope: 'whole cluster',
            accessScope: { type: 'cluster' },
          },
        ],
      },
    });
  });
});

describe('approver reminders', () => {
  it('DMs only the approvers who have not acted, once per step, and schedules the next step', async () => {
    const world = inMemoryWorld(settings(), NOW);
    const request = pendingRequest({ createdAt: NOW - H, approvals: [{ by: BOB, at: NOW - 10 }] });
    world.requests.set(request.id, request);

    const first = await remindApprovers(world.deps, request.id, 1);
    const again = await remindApprovers(world.deps, request.id, 1);

    expect(first).toEqual({ reminded: 2 });
    expect(again).toEqual({ reminded: 2 });
    expect(world.posts.map((p) => p.target.channel).sort()).toEqual([`D${CAROL}`, `D${DAVE}`]);
    expect(world.timers).toEqual([
      { kind: 'approver-reminder', id: request.id, n: 2, at: NOW - H + H + 2 * H },
      { kind: 'approver-reminder', id: request.id, n: 2, at: NOW - H + H + 2 * H },
    ]);
  });

  it.each(['approved', 'denied', 'cancelled', 'lapsed'] as const)(
    'says nothing once the request is %s',
    async (status) => {
      const world = inMemoryWorld(settings(), NOW);
      const request = pendingRequest({ status });
      world.requests.set(request.id, request);

      expect(await remindApprovers(world.deps, request.id, 1)).toEqual({ reminded: 0 });
      expect(world.posts).toEqual([]);
      expect(world.timers).toEqual([]);
    },
  );
});

describe('pending timeout', () => {
  it('lapses a request that waited its pendingTimeout, audits it and says so in the thread', async () => {
    const world = inMemoryWorld(settings(2 * H), NOW);
    const request = pendingRequest({ createdAt: NOW - 2 * H });
    world.requests.set(request.id, request);

    const result = await lapseRequest(world.deps, request.id);

    expect(result).toEqual({ status: 'lapsed' });
    expect(world.requests.get(request.id)).toMatchObject({ status: 'lapsed', lapsedAt: NOW });
    expect(world.audit.map((e) => e.type)).toEqual(['lapsed']);
    expect(world.posts.map((p) => mrkdwnText(p.message)).join('\n')).toContain('Lapsed');
  });

  it('a job that runs early re-schedules itself instead of lapsing the request', async () => {
    const world = inMemoryWorld(settings(2 * H), NOW);
    const request = pendingRequest({ createdAt: NOW - H });
    world.requests.set(request.id, request);

    const result = await lapseRequest(world.deps, request.id);

    expect(result).toEqual({ status: 'pending' });
    expect(world.timers).toEqual([{ kind: 'lapse', id: request.id, at: NOW + H }]);
  });

  it('leaves a decided request alone', async () => {
    const world = inMemoryWorld(settings(2 * H), NOW);
    const request = pendingRequest({ status: 'granted', createdAt: NOW - 3 * H });
    world.requests.set(request.id, request);

    expect(await lapseRequest(world.deps, request.id)).toEqual({ status: 'granted' });
    expect(world.audit).toEqual([]);
  });
});
