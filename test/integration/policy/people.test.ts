import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackWebApiFake } from '../../../sandbox/slack/web-api.ts';
import { createSlackPeople } from '../../../src/adapters/slack/people.ts';

let slack: SlackWebApiFake;
beforeAll(async () => {
  slack = await SlackWebApiFake.start();
  slack.addUser({ id: 'U0DAVE', name: 'dave.jones', displayName: 'dave', realName: 'Dave Jones' });
  slack.addUser({ id: 'U0SAM1', name: 'sam.a', displayName: 'Sam' });
  slack.addUser({ id: 'U0SAM2', name: 'sam.b', displayName: 'sam' });
  slack.addUser({ id: 'U0GONE', name: 'gone', deleted: true });
  slack.addUser({ id: 'U0BOTTY', name: 'botty', isBot: true });
  slack.addUser({ id: 'U0ERIN', name: 'erin' });
});
afterAll(async () => {
  await slack.close();
});

function people(now: () => number) {
  const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  return createSlackPeople(client, { now, ttlMs: 600_000, pageSize: 2 });
}

describe('plain-text @names through users.list', () => {
  it('matches username, display name and real name in any case, reading every page once per TTL', async () => {
    let now = 1_000;
    const port = people(() => now);
    const before = slack.callsTo('users.list').length;

    const byDisplay = await port.findByName('DAVE');
    const byReal = await port.findByName('dave jones');
    const byUsername = await port.findByName('@dave.jones');
    const pages = slack.callsTo('users.list').length - before;
    now += 600_001;
    await port.findByName('erin');

    expect(byDisplay).toEqual(['U0DAVE']);
    expect(byReal).toEqual(['U0DAVE']);
    expect(byUsername).toEqual(['U0DAVE']);
    expect(pages).toBe(3); // six users in pages of two, read once for three look-ups
    expect(slack.callsTo('users.list').length - before).toBe(6);
  });

  it('returns every match (the caller asks instead of guessing) and leaves out deleted members and bots', async () => {
    const port = people(() => 0);

    expect([...(await port.findByName('sam'))].sort()).toEqual(['U0SAM1', 'U0SAM2']);
    expect(await port.findByName('gone')).toEqual([]);
    expect(await port.findByName('botty')).toEqual([]);
    expect(await port.findByName('nobody')).toEqual([]);
  });

  it('does not cache a failure', async () => {
    const port = people(() => 0);
    slack.failNextWithError('users.list', 1, 'internal_error');

    await expect(port.findByName('erin')).rejects.toMatchObject({ name: 'AdapterError' });
    expect(await port.findByName('erin')).toEqual(['U0ERIN']);
  });

  it('the fake refuses a cursor it did not hand out', async () => {
    const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });

    await expect(client.users.list({ cursor: 'bm9wZQ==' })).rejects.toMatchObject({
      data: { error: 'invalid_cursor' },
    });
  });
});
