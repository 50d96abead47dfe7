import { describe, expect, it } from 'vitest';
import { asPersonId } from '../../../../src/core/ids.ts';
import type { ClusterSettings, Settings } from '../../../../src/core/settings.ts';
import { answerReport } from '../../../../src/usecases/report/answer-report.ts';
import { inMemoryWorld } from '../../../fakes/in-memory/ports.ts';
import { mrkdwnText } from '../../../support/mrkdwn-message.ts';

const prod: ClusterSettings = {
  name: 'prod-cluster',
  aliases: [],
  region: 'us-east-1',
  accountId: '111122223333',
  method: 'access-entries',
  approvers: ['U0BOB', 'S0ONCALL'],
  requiredApprovals: 1,
  policies: { admin: { approvers: ['U0LEAD'] } },
};
const settings: Settings = { clusters: [prod], users: {} };

describe('audit and who-has-access reports', () => {
  it.each([
    ['a named approver', 'U0BOB'],
    ['a member of an approver user group', 'U0ONCALLER'],
    ['a per-level approver', 'U0LEAD'],
  ])('answer %s', async (_, user) => {
    const world = inMemoryWorld(settings);
    world.groups['S0ONCALL'] = [asPersonId('U0ONCALLER')];

    const reply = await answerReport(world.deps, asPersonId(user), { kind: 'audit', cluster: 'prod-cluster' });

    expect(mrkdwnText(reply)).not.toContain('not an approver');
    expect(world.audit.filter((e) => e.type === 'refused')).toHaveLength(0);
  });

  it('refuse and audit anyone else, and a group Slack cannot list counts as empty', async () => {
    const world = inMemoryWorld(settings);

    const reply = await answerReport(world.deps, asPersonId('U0ONCALLER'), {
      kind: 'audit',
      cluster: 'prod-cluster',
    });

    expect(mrkdwnText(reply)).toContain('not an approver');
    expect(world.audit.filter((e) => e.type === 'refused')).toHaveLength(1);
  });
});
