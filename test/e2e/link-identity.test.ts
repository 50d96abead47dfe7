import { createServer, type Server } from 'node:net';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCallback } from '../../sandbox/slack/payloads.ts';
import { sendSlackRequest } from '../../sandbox/slack/sign.ts';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { createEksToken } from '../../src/adapters/kubernetes/eks-token.ts';
import { type BotProcess, spawnBot } from '../support/bot-process.ts';
import { type E2eSandbox, PEOPLE, SIGNING_SECRET, startE2eSandbox } from '../support/e2e-sandbox.ts';
import { waitFor } from '../support/wait-for.ts';

/** A key of Erin's own (not the bot's), known to the STS fake: STS says the signer is her IAM user. */
const ERIN_KEY = { accessKeyId: 'AKIALINKERIN00000001', secretAccessKey: 'erin-link-secret-not-real' };
const ERIN_ARN = 'arn:aws:iam::111122223333:user/erin';
const DEV_ROLE = 'arn:aws:iam::111122223333:role/platform/dev-role';

let sandbox: E2eSandbox;
let bot: BotProcess;
/** Stands in for any host a token could name: it counts every connection it is offered. */
let trap: Server;
let trapConnections = 0;
const tokensMade: string[] = [];

beforeAll(async () => {
  sandbox = await startE2eSandbox();
  sandbox.sts.addKey(ERIN_KEY.accessKeyId, ERIN_KEY.secretAccessKey, {
    account: '111122223333',
    arn: ERIN_ARN,
    userId: 'AIDALINKERIN',
  });
  sandbox.sts.allowRole(DEV_ROLE);
  trap = createServer((socket) => {
    trapConnections++;
    socket.destroy();
  });
  await new Promise<void>((done) => trap.listen(0, '127.0.0.1', done));
  bot = spawnBot(['start'], sandbox.env);
  await bot.waitForOutput(/eks-access is running/, 85_000);
}, 90_000);

afterAll(async () => {
  await bot?.kill('SIGTERM');
  await new Promise((done) => trap?.close(done));
  await sandbox?.close();
});

async function token(
  input: { cluster?: string; ageMs?: number; credentials?: typeof ERIN_KEY & { sessionToken?: string } } = {},
) {
  const made = await createEksToken({
    clusterName: input.cluster ?? 'eks-access-link',
    region: 'us-east-1',
    credentials: input.credentials ?? ERIN_KEY,
    now: Date.now() - (input.ageMs ?? 0),
    dnsSuffix: 'amazonaws.com',
  });
  tokensMade.push(made.token);
  return made.token;
}

const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

/** Erin DMs the bot; returns the bot's reply in that DM's thread. */
async function dmReply(text: string, user: string = PEOPLE.erin): Promise<string> {
  const sent = await sandbox.dm(user, text);
  expect(sent.status).toBe(200);
  const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts, 20_000);
  return textOf(reply);
}

async function openHome(user: string): Promise<void> {
  const built = eventCallback({
    event: { type: 'app_home_opened', user, channel: sandbox.slack.dmChannelFor(user), tab: 'home', event_ts: '1.1' },
  });
  const url = `http://127.0.0.1:${sandbox.port}/slack/events`;
  expect((await sendSlackRequest(url, 'event', built.body, { secret: SIGNING_SECRET })).status).toBe(200);
}

const homeText = (user: string) => JSON.stringify(sandbox.slack.homeView(user) ?? {});
const linkEvents = async () => (await sandbox.auditEvents()).filter((e) => e.type === 'identity_linked');

describe('link: proof of identity with an aws eks get-token token', () => {
  it('links the person to the identity STS vouches for, shows it in App Home and audits it without the token', async () => {
    await openHome(PEOPLE.erin);
    await waitFor(() => homeText(PEOPLE.erin).includes('Your active access'), { timeoutMs: 15_000, what: 'home' });
    const valid = await token();
    const json = JSON.stringify({ kind: 'ExecCredential', status: { token: valid } }, null, 2);

    const reply = await dmReply(`link \`\`\`${json}\`\`\``);

    expect(reply).toContain('Linked you to');
    expect(reply).toContain(ERIN_ARN);
    expect(reply).toContain('unlink');
    const events = await linkEvents();
    expect(events.at(-1)).toMatchObject({
      actor: PEOPLE.erin,
      detail: { principalArn: ERIN_ARN, callerArn: ERIN_ARN },
    });
    await waitFor(() => homeText(PEOPLE.erin).includes('Linked as'), { timeoutMs: 15_000, what: 'home link line' });
    expect(homeText(PEOPLE.erin)).toContain(ERIN_ARN);
    expect(homeText(PEOPLE.erin)).toContain('eks_access_unlink');
    // STS was asked with the audience header the bot supplies, on the loopback endpoint from AWS_ENDPOINT_URL_STS.
    const replay = sandbox.sts.calls.filter((c) => c.method === 'GET' && c.status === 200).at(-1);
    expect(replay?.headers['x-k8s-aws-id']).toBe('eks-access-link');
  });

  it('refuses the same token pasted again (and after unlink), changing nothing', async () => {
    const once = await token();
    expect(await dmReply(once)).toContain('Linked you to');
    const before = (await linkEvents()).length;

    expect(await dmReply(once)).toContain('already used');

    expect(await dmReply('unlink')).toContain('Unlinked you from');
    expect(await dmReply(once)).toContain('already used');
    expect(await linkEvents()).toHaveLength(before);
    await waitFor(() => !homeText(PEOPLE.erin).includes('Linked as'), { timeoutMs: 15_000, what: 'home unlinked' });
  });

  it('refuses a token over 15 minutes old', async () => {
    const before = (await linkEvents()).length;
    expect(await dmReply(await token({ ageMs: 16 * 60_000 }))).toContain('expired');
    expect(await linkEvents()).toHaveLength(before);
  });

  it('refuses a token made for another cluster name: the STS fake rejects the signature', async () => {
    const before = (await linkEvents()).length;
    const failedBefore = sandbox.sts.calls.filter((c) => c.status === 403).length;
    const reply = await dmReply(await token({ cluster: 'prod-cluster' }));
    expect(reply).toContain('not accepted by STS');
    expect(sandbox.sts.calls.filter((c) => c.status === 403).length).toBe(failedBefore + 1);
    expect(await linkEvents()).toHaveLength(before);
  });

  it('never connects to a host a token names that is not STS, however it is sent', async () => {
    const real = Buffer.from((await token()).slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
    const address = trap.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `sts.us-east-1.amazonaws.com@127.0.0.1:${port}`];
    const stsCalls = sandbox.sts.calls.length;
    for (const host of hosts) {
      const url = real.replace('sts.us-east-1.amazonaws.com', host);
      const evil = `k8s-aws-v1.${Buffer.from(url, 'utf8').toString('base64url')}`;
      tokensMade.push(evil);
      expect(await dmReply(evil)).toContain('not for an AWS STS endpoint');
      const command = await sandbox.command(PEOPLE.erin, `link ${evil}`);
      expect(command.status).toBe(200);
    }
    const dm = sandbox.slack.dmChannelFor(PEOPLE.erin);
    await waitFor(
      () =>
        sandbox.slack.messages({ channel: dm }).filter((m) => textOf(m).includes('not for an AWS STS endpoint'))
          .length >= hosts.length,
      { timeoutMs: 20_000, what: 'slash-command refusals' },
    );
    expect(trapConnections).toBe(0);
    expect(sandbox.sts.calls.length).toBe(stsCalls);
  });

  it('links a role session to the role and session, through /eks link', async () => {
    const sts = new STSClient({ region: 'us-east-1', credentials: ERIN_KEY, endpoint: sandbox.sts.url });
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: DEV_ROLE, RoleSessionName: 'erin@example.com' }));
    sts.destroy();
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('AssumeRole gave no credentials');
    const sessionKey = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    const dm = sandbox.slack.dmChannelFor(PEOPLE.erin);
    const seen = sandbox.slack.messages({ channel: dm }).length;

    expect((await sandbox.command(PEOPLE.erin, `link ${await token({ credentials: sessionKey })}`)).status).toBe(200);

    const reply = await sandbox.slack.waitForMessage(
      (m) => m.channel === dm && textOf(m).includes('Linked you to') && textOf(m).includes('dev-role'),
      20_000,
    );
    expect(sandbox.slack.messages({ channel: dm }).length).toBeGreaterThan(seen);
    expect(textOf(reply)).toContain('arn:aws:iam::111122223333:role/dev-role');
    expect(textOf(reply)).toContain('erin@example.com');
    expect((await linkEvents()).at(-1)?.detail).toMatchObject({
      principalArn: 'arn:aws:iam::111122223333:role/dev-role',
      session: 'erin@example.com',
      callerArn: 'arn:aws:sts::111122223333:assumed-role/dev-role/erin@example.com',
    });
  });

  it('does not use a token posted in a channel, and says so', async () => {
    const exposed = await token();
    const sent = await sandbox.mention(PEOPLE.dave, exposed);
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts, 20_000);
    expect(textOf(reply)).toContain('did not use the token');
    expect(textOf(reply)).toContain('15 minutes');
    // Burned: nobody who read it in the channel can link with it.
    expect(await dmReply(exposed, PEOPLE.dave)).toContain('already used');
    expect((await linkEvents()).some((e) => e.actor === PEOPLE.dave)).toBe(false);
  });

  it('never writes a token to the audit trail, the logs, the kept jobs or a bot message', async () => {
    const audit = JSON.stringify(await sandbox.auditEvents());
    const botMessages = JSON.stringify(sandbox.slack.messages().map(textOf));
    const jobs = JSON.stringify(await sandbox.redis.keys(`${sandbox.prefix}*`));
    const bodies = tokensMade.map((made) => made.slice('k8s-aws-v1.'.length, 'k8s-aws-v1.'.length + 60));
    const jobData: string[] = [];
    // Each inbound job's text is redacted right after its answer is posted: wait for the last one.
    await waitFor(
      async () => {
        jobData.length = 0;
        for (const key of await sandbox.redis.keys(`${sandbox.prefix}:*:in-*`)) {
          if ((await sandbox.redis.type(key)) === 'hash')
            jobData.push(JSON.stringify(await sandbox.redis.hgetall(key)));
        }
        return jobData.length > 0 && bodies.every((body) => !jobData.join('\n').includes(body));
      },
      { timeoutMs: 10_000, what: 'inbound jobs without tokens' },
    );
    expect(jobData.join('\n')).toContain('k8s-aws-v1.[removed]');
    const stored = await sandbox.redis.keys(`${sandbox.prefix}:link*`);
    const storedValues = await Promise.all(
      stored.map(async (k) => ((await sandbox.redis.type(k)) === 'string' ? await sandbox.redis.get(k) : '')),
    );
    for (const body of bodies) {
      expect(audit).not.toContain(body);
      expect(botMessages).not.toContain(body);
      expect(bot.output()).not.toContain(body);
      expect(jobs).not.toContain(body);
      expect(jobData.join('\n')).not.toContain(body);
      expect(storedValues.join('\n')).not.toContain(body);
    }
  });
});
