import { describe, expect, it } from 'vitest';
import { asPersonId, type PersonId } from '../../../../src/core/ids.ts';
import type { ClusterSettings } from '../../../../src/core/settings.ts';
import { audienceOf } from '../../../../src/usecases/diagnose/diagnosis-audience.ts';

const cluster: ClusterSettings = {
  name: 'prod-cluster',
  aliases: [],
  region: 'us-east-1',
  accountId: '111122223333',
  method: 'access-entries',
  approvers: ['U0APPROVER'],
  requiredApprovals: 1,
  policies: { edit: { approvers: ['S0ONCALL'] } },
};
const MINE = 'arn:aws:iam::111122223333:role/platform/me';
const OTHER = 'arn:aws:iam::111122223333:role/ops-admin';

/** A UserGroups port that answers from a table (or fails like Slack can), counting look-ups. */
function groups(members: Record<string, PersonId[]> | 'failing') {
  const asked: string[] = [];
  return {
    asked,
    deps: {
      userGroups: {
        members: async (id: string) => {
          asked.push(id);
          if (members === 'failing') throw new Error('slack_platform_error');
          return members[id] ?? [];
        },
      },
    },
  };
}

describe('audienceOf', () => {
  it.each([
    ['a named approver', 'U0APPROVER', undefined, OTHER, 'full'],
    ['a member of a per-level approver group', 'U0MEMBER', undefined, OTHER, 'full'],
    [
      'a person diagnosing a session of their own role',
      'U0ME',
      MINE,
      'arn:aws:sts::111122223333:assumed-role/me/me-session',
      'own',
    ],
    ['a person diagnosing someone else', 'U0ME', MINE, OTHER, 'stranger'],
    ['someone not in users', 'U0NOBODY', undefined, OTHER, 'stranger'],
  ])('%s', async (_, user, mapped, given, expected) => {
    const { deps } = groups({ S0ONCALL: [asPersonId('U0MEMBER')] });

    const audience = await audienceOf(deps, cluster, asPersonId(user), { given, mapped });

    expect(audience).toBe(expected);
  });

  it('does not ask Slack about groups when the answer does not depend on them', async () => {
    const { deps, asked } = groups({});

    await audienceOf(deps, cluster, asPersonId('U0APPROVER'), { given: OTHER });
    await audienceOf(deps, cluster, asPersonId('U0ME'), { given: MINE, mapped: MINE });

    expect(asked).toEqual([]);
  });

  it('shows the summary when Slack cannot list the approver groups (fail closed)', async () => {
    const { deps, asked } = groups('failing');

    const audience = await audienceOf(deps, cluster, asPersonId('U0MEMBER'), { given: OTHER });

    expect(asked).toEqual(['S0ONCALL']);
    expect(audience).toBe('stranger');
  });
});
