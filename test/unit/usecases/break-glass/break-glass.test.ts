import { describe, expect, it } from 'vitest';
import { asPersonId, asRequestId } from '../../../../src/core/ids.ts';
import type { Settings } from '../../../../src/core/settings.ts';
import {
  acknowledgeReview,
  breakGlass,
  REVIEW_REMINDER_MS,
  remindReview,
} from '../../../../src/usecases/break-glass/break-glass.ts';
import { inMemoryWorld } from '../../../fakes/in-memory/ports.ts';
import { asMrkdwn, mrkdwnText } from '../../../support/mrkdwn-message.ts';
import { ALICE, BOB, CAROL } from '../../core/request/fixtures.ts';

const NOW = 1_700_000_000_000;
const settings: Settings = {
  clusters: [
    {
      name: 'prod-cluster',
      aliases: [],
      region: 'us-east-1',
      accountId: '111122223333',
      method: 'access-entries',
      approvers: [BOB, 'S0LEADS'],
      requiredApprovals: 1,
      approvalChannel: 'C0APPROVALS',
      breakGlass: { allowed: [ALICE], maxDuration: 3_600_000 },
    },
  ],
  users: { [ALICE]: 'arn:aws:iam::111122223333:user/alice' },
};

async function brokenGlass() {
  const world = inMemoryWorld(settings, NOW);
  world.groups['S0LEADS'] = [CAROL];
  const id = asRequestId('RGLASS1');
  const input = {
    requestId: id,
    requester: ALICE,
    subject: ALICE,
    clusterGiven: 'prod-cluster',
    level: 'admin' as const,
    namespaces: [],
    reason: 'INC-1',
    conversation: { channel: 'C0GENERAL', threadTs: '1.0' },
  };
  const result = await breakGlass(world.deps, input);
  return { world, id, input, result };
}

describe('break-glass use case', () => {
  it('approves at once, enqueues the apply, posts one loud card and schedules the first daily reminder', async () => {
    const { world, id, input, result } = await brokenGlass();
    const again = await breakGlass(world.deps, input);

    expect(result).toEqual({ ok: true, requestId: id });
    expect(again).toEqual({ ok: true, requestId: id });
    expect(world.requests.get(id)).toMatchObject({
      status: 'approved',
      durationMs: 3_600_000,
      breakGlass: { at: NOW },
    });
    expect(world.enqueued).toEqual([id, id]);
    expect(world.posts.filter((p) => p.target.channel === 'C0APPROVALS')).toHaveLength(1);
    // A re-run schedules the same round again: the queue's job id (request + round) collapses the two.
    expect(new Set(world.reviewReminders.map((r) => JSON.stringify(r)))).toEqual(
      new Set([JSON.stringify({ id, at: NOW + REVIEW_REMINDER_MS, round: 1 })]),
    );
    expect(world.audit.filter((e) => e.type === 'break_glass')).toHaveLength(1);
  });

  it('reminds in the card thread and re-schedules itself until an approver acknowledges', async () => {
    const { world, id } = await brokenGlass();
    const card = world.posts.find((p) => p.target.channel === 'C0APPROVALS');

    const first = await remindReview(world.deps, id);
    const acked = await acknowledgeReview(world.deps, { requestId: id, user: CAROL, channel: 'C0APPROVALS' });
    const afterAck = await remindReview(world.deps, id);

    expect(first).toEqual({ reminded: true });
    const reminders = world.posts.filter((p) => /still needs its post-hoc review/.test(mrkdwnText(p.message)));
    expect(reminders.map((p) => p.target)).toEqual([{ channel: 'C0APPROVALS', threadTs: card?.ts }]);
    expect(world.reviewReminders.map((r) => r.round)).toEqual([1, 2]);
    expect(world.reviewReminders[1]?.at).toBe(NOW + REVIEW_REMINDER_MS);
    expect(acked).toEqual({ ok: true });
    expect(afterAck).toEqual({ reminded: false });
    expect(world.requests.get(id)?.breakGlass).toMatchObject({ reminders: 1, acknowledged: { by: CAROL, at: NOW } });
    expect(
      world.updates.some((u) => /Review acknowledged by <@U0CAROL>/.test(JSON.stringify(asMrkdwn(u.message)))),
    ).toBe(true);
  });

  it.each([
    [ALICE, 'self_approval'],
    [asPersonId('U0STRANGER'), 'not_an_approver'],
  ])('refuses an acknowledgement by %s with an ephemeral answer and an audit event', async (user, code) => {
    const { world, id } = await brokenGlass();

    const result = await acknowledgeReview(world.deps, { requestId: id, user, channel: 'C0APPROVALS' });

    expect(result).toMatchObject({ ok: false, refusal: { code } });
    expect(world.ephemerals.map((e) => e.user)).toEqual([user]);
    expect(world.audit.at(-1)).toMatchObject({ type: 'refused', actor: user, detail: { code } });
    expect(world.requests.get(id)?.breakGlass?.acknowledged).toBeUndefined();
  });
});
