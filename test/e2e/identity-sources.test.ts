import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { createEksToken } from '../../src/adapters/kubernetes/eks-token.ts';
import { APPROVAL_CHANNEL, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

const ACCOUNT = '111122223333';
/** The permission-set role people of the account sign in to (identity.sso). */
const DEVELOPER = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123abcd`;
/** Another permission set, mapped as a whole role in users: (the mistake the card must show). */
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_89abcdef`;
const SSO_USER = 'U0SSOUSER';
const NO_EMAIL = 'U0NOEMAIL';
const SHARED = 'U0SHARED';
/** No users: entry and no Slack email: found only through a link to a role session. */
const LINKER = 'U0LINKER';
const LINKER_KEY = { accessKeyId: 'AKIALINKER0000000001', secretAccessKey: 'linker-secret-not-real' };
const LINK_ROLE = `arn:aws:iam::${ACCOUNT}:role/teams/link-role`;

let sandbox: E2eSandbox;
useRunningBot(
  (started) => {
    sandbox = started;
    sandbox.slack.addUser({ id: SSO_USER, name: 'sam', email: 'sam@example.com' });
    sandbox.slack.addUser({ id: NO_EMAIL, name: 'nomail' });
    sandbox.slack.addUser({ id: LINKER, name: 'lee' });
    sandbox.sts.addKey(LINKER_KEY.accessKeyId, LINKER_KEY.secretAccessKey, {
      account: ACCOUNT,
      arn: `arn:aws:iam::${ACCOUNT}:user/lee`,
      userId: 'AIDALINKER',
    });
    sandbox.sts.allowRole(LINK_ROLE);
    sandbox.iam.addRole(ADMIN);
  },
  {
    usersExtra: `  ${SHARED}: ${ADMIN}\n`,
    topLevelExtra: `identity:\n  sso:\n    - accountId: "${ACCOUNT}"\n      roleArn: ${DEVELOPER}\n      sessionName: email\n`,
  },
);

const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

async function filed(user: string, text: string) {
  const sent = await sandbox.mention(user, text);
  const ack = await sandbox.slack.waitForMessage(
    (m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''),
    15_000,
  );
  const id = /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '';
  const card = await sandbox.slack.waitForMessage(
    (m) => m.channel === APPROVAL_CHANNEL && textOf(m).includes(id) && textOf(m).includes('Access request'),
    15_000,
  );
  return { id, card };
}

describe('identity sources through Slack: users:, IAM Identity Center by profile email', () => {
  it('an SSO user with no users: entry gets a card naming their session, its role and the source', async () => {
    const { id, card } = await filed(SSO_USER, 'grant me view on prod for 1h because INC-19');

    const stored = await sandbox.request(id);
    expect(stored).toMatchObject({
      status: 'pending',
      subject: SSO_USER,
      principalArn: DEVELOPER,
      session: 'sam@example.com',
      identitySource: 'sso',
    });
    expect(stored?.sharedRole).toBeUndefined();
    const text = textOf(card);
    expect(text).toContain(
      `<@${SSO_USER}> as \`sam@example.com\` on \`AWSReservedSSO_Developer_0123abcd\` (from IAM Identity Center)`,
    );
    expect(text).toContain('other people who sign in to `AWSReservedSSO_Developer_0123abcd` are not affected');
    expect(text).not.toContain('everyone who signs in');
    // The email came from users.info, with the bot token.
    expect(sandbox.slack.callsTo('users.info').some((call) => call.body.includes(SSO_USER))).toBe(true);
    // Nothing was granted or looked up on the shared role while filing.
    expect(sandbox.eks.entry('prod-cluster', DEVELOPER)).toBeUndefined();
  });

  it('a user whose Slack profile has no email is refused, told why and what to do, and nothing is filed', async () => {
    const sent = await sandbox.mention(NO_EMAIL, 'grant me view on prod');

    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts, 15_000);
    await waitFor(
      async () =>
        (await sandbox.auditEvents()).some(
          (e) => e.actor === NO_EMAIL && e.type === 'refused' && e.detail?.['code'] === 'sso_identity_unavailable',
        ),
      { what: 'the refusal audited' },
    );

    expect(reply.text).toContain('their Slack profile shows no email');
    expect(reply.text).toContain('aws eks get-token --cluster-name eks-access-link');
    expect(reply.text).toContain('`users`');
    expect(
      sandbox.slack.messages({ channel: APPROVAL_CHANNEL }).some((m) => textOf(m).includes(`<@${NO_EMAIL}>`)),
    ).toBe(false);
  });

  it('a users: mapping to a whole SSO role shows the bold warning and asks for the step-up on approval', async () => {
    const { id, card } = await filed(SHARED, 'grant me view on prod for 1h because INC-20');

    const stored = await sandbox.request(id);
    expect(stored).toMatchObject({ principalArn: ADMIN, sharedRole: { roleArn: ADMIN, reason: 'sso-reserved' } });
    expect(stored?.session).toBeUndefined();
    expect(textOf(card)).toContain(`*This grants view to everyone who signs in to \`${ADMIN}\`*`);
    expect(textOf(card)).toContain('eks_access_approve_step_up');
    expect(textOf(card)).not.toContain('"eks_access_approve"');

    // A plain Approve (a forged click without the modal) is refused: the step-up is needed at view too.
    await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
    await sandbox.slack.waitForMessage(
      (m) => m.ephemeralTo === PEOPLE.approver1 && /needs a step-up/.test(m.text ?? ''),
      15_000,
    );

    expect((await sandbox.request(id))?.status).toBe('pending');
    expect(sandbox.eks.entry('prod-cluster', ADMIN)).toBeUndefined();
  });
});

describe('a linked identity on the card', () => {
  it('a person found only through a link to a role session: the card says the session, the role and when it was linked', async () => {
    const sts = new STSClient({ region: 'us-east-1', credentials: LINKER_KEY, endpoint: sandbox.sts.url });
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: LINK_ROLE, RoleSessionName: 'lee' }));
    sts.destroy();
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('AssumeRole gave no credentials');
    const { token } = await createEksToken({
      clusterName: 'eks-access-link',
      region: 'us-east-1',
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
      now: Date.now(),
      dnsSuffix: 'amazonaws.com',
    });
    const sent = await sandbox.dm(LINKER, `link ${token}`);
    await sandbox.slack.waitForMessage((m) => m.threadTs === sent.ts && textOf(m).includes('Linked you to'), 20_000);

    const { id, card } = await filed(LINKER, 'grant me view on prod for 1h');

    const stored = await sandbox.request(id);
    expect(stored).toMatchObject({
      principalArn: `arn:aws:iam::${ACCOUNT}:role/link-role`,
      session: 'lee',
      identitySource: 'link',
    });
    // The date the card shows is the day the link was proved (stored with the request).
    expect(stored?.linkedAt).toBeGreaterThan(Date.now() - 120_000);
    const today = new Date(stored?.linkedAt ?? 0).toISOString().slice(0, 10);
    expect(textOf(card)).toContain(`<@${LINKER}> as \`lee\` on \`link-role\` (linked ${today})`);
    expect(textOf(card)).toContain('other people who sign in to `link-role` are not affected');
  });
});
