import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackWebApiFake } from '../../../sandbox/slack/web-api.ts';
import { createSlackUserGroups } from '../../../src/adapters/slack/user-groups.ts';

let slack: SlackWebApiFake;
beforeAll(async () => {
  slack = await SlackWebApiFake.start();
});
afterAll(async () => {
  await slack.close();
});

function groups(now: () => number) {
  const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  return createSlackUserGroups(client, { now, ttlMs: 300_000 });
}

describe('user-group members through usergroups.users.list', () => {
  it('resolves members, caches them for five minutes and asks once for concurrent look-ups', async () => {
    slack.setUserGroup('S0ONCALL', ['U0APPROVER1', 'U0CAROL']);
    let now = 1_000;
    const port = groups(() => now);
    const before = slack.callsTo('usergroups.users.list').length;

    const concurrent = await Promise.all([
      port.members('S0ONCALL'),
      port.members('S0ONCALL'),
      port.members('S0ONCALL'),
    ]);
    slack.setUserGroup('S0ONCALL', ['U0DAVE']);
    const cached = await port.members('S0ONCALL');
    now += 300_001;
    const refreshed = await port.members('S0ONCALL');

    expect(concurrent).toEqual([
      ['U0APPROVER1', 'U0CAROL'],
      ['U0APPROVER1', 'U0CAROL'],
      ['U0APPROVER1', 'U0CAROL'],
    ]);
    expect(cached).toEqual(['U0APPROVER1', 'U0CAROL']);
    expect(refreshed).toEqual(['U0DAVE']);
    const calls = slack.callsTo('usergroups.users.list').slice(before);
    expect(calls).toHaveLength(2);
    expect(new URLSearchParams(calls[0]?.body ?? '').get('usergroup')).toBe('S0ONCALL');
  });

  it('treats a group Slack does not know as empty (nobody approves through it)', async () => {
    expect(await groups(() => 0).members('S0NOSUCH')).toEqual([]);
  });

  it('does not cache a failure: the next look-up asks again', async () => {
    slack.setUserGroup('S0FLAKY', ['U0ERIN']);
    const port = groups(() => 0);
    slack.failNextWithError('usergroups.users.list', 1, 'internal_error');

    await expect(port.members('S0FLAKY')).rejects.toMatchObject({ name: 'AdapterError' });
    expect(await port.members('S0FLAKY')).toEqual(['U0ERIN']);
  });
});
