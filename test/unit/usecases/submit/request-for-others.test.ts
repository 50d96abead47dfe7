import { describe, expect, it } from 'vitest';
import { asPersonId, asRequestId, type PersonId } from '../../../../src/core/ids.ts';
import type { ClusterSettings, Settings } from '../../../../src/core/settings.ts';
import { cancelFromButton } from '../../../../src/usecases/review/cancel-request.ts';
import { submitRequest } from '../../../../src/usecases/submit/submit-request.ts';
import { inMemoryWorld } from '../../../fakes/in-memory/ports.ts';
import { mrkdwnText } from '../../../support/mrkdwn-message.ts';
import { ALICE, BOB, CAROL, DAVE } from '../../core/request/fixtures.ts';

const ERIN = asPersonId('U0ERIN');
const DAY = 86_400_000;

const prod: ClusterSettings = {
  name: 'prod-cluster',
  aliases: [],
  region: 'us-east-1',
  accountId: '111122223333',
  method: 'access-entries',
  approvers: [BOB],
  requiredApprovals: 1,
  requestForOthers: ['S0LEADS'],
  autoApprove: { levels: ['view'], maxPerPeriod: { count: 2, period: DAY } },
};
const settings: Settings = {
  clusters: [prod],
  users: Object.fromEntries(
    [ALICE, BOB, CAROL, DAVE, ERIN].map((u) => [u, `arn:aws:iam::111122223333:user/${u.toLowerCase()}`]),
  ),
  requestForOthers: [ERIN],
};

function file(world: ReturnType<typeof inMemoryWorld>, id: string, requester: PersonId, subject: PersonId) {
  return submitRequest(world.deps, {
    requestId: asRequestId(id),
    requester,
    subject,
    clusterGiven: 'prod-cluster',
    level: 'view',
    namespaces: [],
    conversation: { channel: 'C0REQ', threadTs: '1.1' },
  });
}

describe('requests for someone else, through the submit use case', () => {
  it('refuses a person who is neither approver nor listed, audits it, and stores and posts nothing', async () => {
    const world = inMemoryWorld(settings);
    world.groups['S0LEADS'] = [CAROL];

    const result = await file(world, 'RX1', DAVE, ALICE);

    expect(result).toMatchObject({ ok: false, code: 'request_for_others_not_allowed' });
    expect(world.requests.size).toBe(0);
    expect(world.posts).toEqual([]);
    expect(world.audit).toEqual([
      expect.objectContaining({
        type: 'refused',
        actor: DAVE,
        requestId: 'RX1',
        detail: { code: 'request_for_others_not_allowed', cluster: 'prod-cluster', subject: ALICE },
      }),
    ]);
  });

  it('uses the cluster list (a user group here) over the top-level one', async () => {
    const world = inMemoryWorld(settings);
    world.groups['S0LEADS'] = [CAROL];

    const byGroupMember = await file(world, 'RX2', CAROL, ALICE);
    const byTopLevelOnly = await file(world, 'RX3', ERIN, ALICE);

    expect(byGroupMember.ok).toBe(true);
    expect(byTopLevelOnly).toMatchObject({ ok: false, code: 'request_for_others_not_allowed' });
  });

  it('files an approver’s request for someone else without automatic approval, and tells the subject last', async () => {
    const world = inMemoryWorld(settings);

    const result = await file(world, 'RX4', BOB, ALICE);

    expect(result.ok).toBe(true);
    expect(world.requests.get('RX4')?.status).toBe('pending');
    expect(world.autoApproved.size).toBe(0);
    const last = world.posts.at(-1);
    expect(last?.target.channel).toBe(`D${ALICE}`);
    expect(mrkdwnText(last?.message)).toContain(`<@${BOB}> asked for *view*`);
    const ack = world.posts.find((p) => p.target.channel === 'C0REQ');
    expect(mrkdwnText(ack?.message)).toContain('it is for <@U0ALICE>, not for you, so a person must approve');
    // Bob is the only approver and asked: nobody else may decide, and the reply says so instead of naming him.
    expect(mrkdwnText(ack?.message)).toContain('no configured approver can decide it');
    expect(world.posts.some((p) => p.target.channel === `D${BOB}`)).toBe(false);
  });

  it('lets the subject cancel from the DM, and refuses a stranger there', async () => {
    const world = inMemoryWorld(settings);
    await file(world, 'RX5', BOB, ALICE);

    const stranger = await cancelFromButton(world.deps, { requestId: asRequestId('RX5'), user: DAVE, channel: 'DX' });
    const subject = await cancelFromButton(world.deps, { requestId: asRequestId('RX5'), user: ALICE, channel: 'DX' });

    expect(stranger.ok).toBe(false);
    expect(mrkdwnText(world.ephemerals[0]?.message)).toContain('or <@U0ALICE>, whom it is for,');
    expect(subject.ok).toBe(true);
    expect(world.requests.get('RX5')?.cancelled?.by).toBe(ALICE);
  });
});
