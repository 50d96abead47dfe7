import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackWebApiFake } from '../../../sandbox/slack/web-api.ts';
import { createSlackProfiles } from '../../../src/adapters/slack/profiles.ts';
import { asPersonId } from '../../../src/core/ids.ts';
import { testRedis } from '../../support/redis.ts';

const { redis, prefix } = testRedis();
let slack: SlackWebApiFake;
beforeAll(async () => {
  slack = await SlackWebApiFake.start();
  slack.addUser({ id: 'U0ERIN', name: 'erin', email: 'erin@example.com' });
  slack.addUser({ id: 'U0NOMAIL', name: 'nomail' });
  slack.addUser({ id: 'U0GONE', name: 'gone', email: 'gone@example.com', deleted: true });
  slack.addUser({ id: 'U0BOTTY', name: 'botty', isBot: true });
});
afterAll(async () => {
  await slack.close();
  await redis.quit();
});

const client = () => new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });

describe('PersonProfiles over users.info, cached in Redis', () => {
  it('reads profile.email, deleted and is_bot as Slack answers them', async () => {
    const profiles = createSlackProfiles(client(), { redis, prefix });

    expect(await profiles.profile(asPersonId('U0ERIN'))).toEqual({
      email: 'erin@example.com',
      isDeleted: false,
      isBot: false,
    });
    expect(await profiles.profile(asPersonId('U0NOMAIL'))).toEqual({ isDeleted: false, isBot: false });
    expect(await profiles.profile(asPersonId('U0GONE'))).toMatchObject({ isDeleted: true });
    expect(await profiles.profile(asPersonId('U0BOTTY'))).toMatchObject({ isBot: true });
  });

  it('asks Slack once per person per TTL, shared by every process on the same Redis', async () => {
    const shared = { redis, prefix: `${prefix}:shared` };
    const before = slack.callsTo('users.info').length;

    const first = await createSlackProfiles(client(), shared).profile(asPersonId('U0ERIN'));
    const second = await createSlackProfiles(client(), shared).profile(asPersonId('U0ERIN'));
    const ttl = await redis.pttl(`${prefix}:shared:profile:U0ERIN`);

    expect(second).toEqual(first);
    expect(slack.callsTo('users.info').length - before).toBe(1);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it('keeps a configured TTL, and caches no failure', async () => {
    const profiles = createSlackProfiles(client(), { redis, prefix: `${prefix}:ttl` }, { ttlMs: 60_000 });
    slack.failNextWithError('users.info', 1, 'internal_error');

    await expect(profiles.profile(asPersonId('U0ERIN'))).rejects.toMatchObject({ name: 'AdapterError' });
    expect(await redis.exists(`${prefix}:ttl:profile:U0ERIN`)).toBe(0);
    expect(await profiles.profile(asPersonId('U0ERIN'))).toMatchObject({ email: 'erin@example.com' });
    expect(await redis.pttl(`${prefix}:ttl:profile:U0ERIN`)).toBeLessThanOrEqual(60_000);
  });

  it('a person Slack does not know is undefined, not an error', async () => {
    const profiles = createSlackProfiles(client(), { redis, prefix });
    slack.failNextWithError('users.info', 1, 'user_not_found');

    expect(await profiles.profile(asPersonId('U0NOBODY'))).toBeUndefined();
  });
});
