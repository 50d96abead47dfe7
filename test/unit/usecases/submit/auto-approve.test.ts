import { describe, expect, it } from 'vitest';
import { asPrincipalArn, asRequestId } from '../../../../src/core/ids.ts';
import type { ClusterSettings, Settings } from '../../../../src/core/settings.ts';
import { applyRequest } from '../../../../src/usecases/apply/apply-request.ts';
import { autoApproveIfAllowed } from '../../../../src/usecases/submit/auto-approve.ts';
import { submitRequest } from '../../../../src/usecases/submit/submit-request.ts';
import { inMemoryWorld } from '../../../fakes/in-memory/ports.ts';
import { ALICE, BOB, pendingRequest } from '../../core/request/fixtures.ts';

const DAY = 86_400_000;

function cluster(extra: Partial<ClusterSettings> = {}): ClusterSettings {
  return {
    name: 'prod-cluster',
    aliases: [],
    region: 'us-east-1',
    accountId: '111122223333',
    method: 'access-entries',
    approvers: [BOB],
    requiredApprovals: 1,
    autoApprove: { levels: ['view'], maxPerPeriod: { count: 2, period: DAY } },
    ...extra,
  };
}

const settingsOf = (cluster: ClusterSettings): Settings => ({ clusters: [cluster], users: {} });

function withPending(id: string, level: 'view' | 'edit' = 'view') {
  return pendingRequest({ id: asRequestId(id), level });
}

describe('automatic approval use case', () => {
  it('approves by policy with the allowance, audits actor policy, and falls back to a person at the cap', async () => {
    const settings = cluster();
    const world = inMemoryWorld(settingsOf(settings));
    const outcomes = [];
    for (const id of ['RA1', 'RA2', 'RA3']) {
      const request = withPending(id);
      world.requests.set(request.id, request);
      outcomes.push(await autoApproveIfAllowed(world.deps, request, settings));
    }

    expect(outcomes.map((o) => o.request.status)).toEqual(['approved', 'approved', 'pending']);
    expect(outcomes.map((o) => o.decision)).toEqual([
      { auto: true, allowance: { left: 1, of: 2, periodMs: DAY } },
      { auto: true, allowance: { left: 0, of: 2, periodMs: DAY } },
      { auto: false, reason: 'cap_reached', allowance: { left: 0, of: 2, periodMs: DAY } },
    ]);
    expect(world.enqueued).toEqual(['RA1', 'RA2']);
    expect(world.audit.map((e) => `${e.type}:${e.actor}:${e.requestId}`)).toEqual([
      'approved:policy:RA1',
      'approved:policy:RA2',
    ]);
  });

  it('re-running for an approved request neither counts it twice nor approves again', async () => {
    const settings = cluster();
    const world = inMemoryWorld(settingsOf(settings));
    const request = withPending('RB1');
    world.requests.set(request.id, request);

    const first = await autoApproveIfAllowed(world.deps, request, settings);
    const again = await autoApproveIfAllowed(world.deps, first.request, settings);

    expect(again.request.version).toBe(first.request.version);
    expect(world.autoApproved.get(`prod-cluster:${request.requester}`)).toHaveLength(1);
    expect(world.audit).toHaveLength(1);
  });

  it.each([
    ['a level not listed', cluster(), 'edit'],
    ['a level switched off under policies', cluster({ policies: { view: { autoApprove: false } } }), 'view'],
  ] as const)('leaves %s to people', async (_name, settings, level) => {
    const world = inMemoryWorld(settingsOf(settings));
    const request = withPending('RC1', level);
    world.requests.set(request.id, request);

    const outcome = await autoApproveIfAllowed(world.deps, request, settings);

    expect(outcome.request.status).toBe('pending');
    expect(world.enqueued).toEqual([]);
  });

  it.each([
    ['grants while the level is still auto-approved', cluster(), 'granted'],
    ['fails once the config no longer auto-approves it', cluster({ autoApprove: { levels: [] } }), 'failed'],
  ] as const)('applying an automatically approved request %s', async (_name, settings, expected) => {
    const world = inMemoryWorld(settingsOf(settings));
    const request = pendingRequest({
      status: 'approved',
      autoApproval: { at: 1 },
      principalArn: asPrincipalArn('arn:aws:iam::111122223333:user/alice'),
    });
    world.requests.set(request.id, request);

    const result = await applyRequest(world.deps, request.id);

    expect(result.status).toBe(expected);
  });

  it('skips the current-access look-up (for a card no one will see) only when no cap can leave it to a person', async () => {
    const filed = async (settings: ClusterSettings) => {
      const world = inMemoryWorld({ clusters: [settings], users: { [ALICE]: 'arn:aws:iam::111122223333:user/alice' } });
      await submitRequest(world.deps, {
        requestId: asRequestId('RSKIP1'),
        requester: ALICE,
        subject: ALICE,
        clusterGiven: 'prod-cluster',
        level: 'view',
        namespaces: [],
        conversation: { channel: 'C0REQ', threadTs: '1.1' },
      });
      return { calls: world.awsCalls, request: world.requests.get('RSKIP1') };
    };

    const uncapped = await filed(cluster({ autoApprove: { levels: ['view'] } }));
    const capped = await filed(cluster());

    expect(uncapped.request?.status).toBe('approved');
    expect(uncapped.calls).not.toContain('DescribeAccessEntry');
    expect(uncapped.request?.currentAccess).toBeUndefined();
    expect(capped.calls).toContain('DescribeAccessEntry');
    expect(capped.request?.currentAccess?.entry).toEqual({ kind: 'none' });
  });
});
