import { describe, expect, it } from 'vitest';
import { asChannelId, asPersonId, asRequestId } from '../../../../src/core/ids.ts';
import { describeRefusal } from '../../../../src/core/messages/describe-refusal.ts';
import { plainText } from '../../../../src/core/messages/rich.ts';
import type { ClusterSettings, Settings } from '../../../../src/core/settings.ts';
import { identityFields, resolveIdentity } from '../../../../src/usecases/identity/resolve-identity.ts';
import type { LinkedIdentity } from '../../../../src/usecases/ports/identity.ts';
import { submitRequest } from '../../../../src/usecases/submit/submit-request.ts';
import { inMemoryWorld } from '../../../fakes/in-memory/ports.ts';
import { ALICE, BOB } from '../../core/request/fixtures.ts';

const NOW = 1_700_000_000_000;
const ACCOUNT = '111122223333';
const SSO_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123abcd`;
const ERIN = asPersonId('U0ERIN');

const CLUSTER: ClusterSettings = {
  name: 'prod-cluster',
  aliases: [],
  region: 'us-east-1',
  accountId: ACCOUNT,
  method: 'access-entries',
  approvers: [BOB],
  requiredApprovals: 1,
};
const OTHER_ACCOUNT: ClusterSettings = { ...CLUSTER, name: 'other', accountId: '444455556666' };

function settings(extra: Partial<Settings> = {}): Settings {
  return {
    clusters: [CLUSTER, OTHER_ACCOUNT],
    users: {},
    identity: { sso: [{ accountId: ACCOUNT, roleArn: SSO_ROLE, sessionName: 'email' }] },
    ...extra,
  };
}

function link(extra: Partial<LinkedIdentity> = {}): LinkedIdentity {
  return {
    principalArn: `arn:aws:iam::${ACCOUNT}:role/ops`,
    session: 'erin',
    callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/ops/erin`,
    account: ACCOUNT,
    linkedAt: NOW - 86_400_000,
    expiresAt: NOW + 86_400_000,
    ...extra,
  };
}

describe('resolveIdentity: users:, then identity.sso, then a link', () => {
  it('users: wins over SSO and a link, and is never looked up in Slack', async () => {
    const world = inMemoryWorld(settings({ users: { [ERIN]: `arn:aws:iam::${ACCOUNT}:user/erin` } }), NOW);
    world.profiles.set(ERIN, { email: 'erin@example.com', isDeleted: false, isBot: false });
    world.links.set(ERIN, link());

    const resolved = await resolveIdentity(world.deps, ERIN, CLUSTER);

    expect(resolved).toEqual({
      ok: true,
      identity: { kind: 'principal', arn: `arn:aws:iam::${ACCOUNT}:user/erin`, source: 'users' },
    });
  });

  it('SSO: the Slack email is the session on the account’s role; the local part when configured so', async () => {
    const world = inMemoryWorld(settings(), NOW);
    world.profiles.set(ERIN, { email: 'erin@example.com', isDeleted: false, isBot: false });
    const localPart = inMemoryWorld(
      settings({ identity: { sso: [{ accountId: ACCOUNT, roleArn: SSO_ROLE, sessionName: 'email-local-part' }] } }),
      NOW,
    );
    localPart.profiles.set(ERIN, { email: 'erin@example.com', isDeleted: false, isBot: false });

    const full = await resolveIdentity(world.deps, ERIN, CLUSTER);
    const local = await resolveIdentity(localPart.deps, ERIN, CLUSTER);

    expect(full).toEqual({
      ok: true,
      identity: { kind: 'session', roleArn: SSO_ROLE, session: 'erin@example.com', source: 'sso' },
    });
    expect(local.ok && local.identity.kind === 'session' ? local.identity.session : undefined).toBe('erin');
    expect(full.ok && identityFields(full)).toEqual({
      principalArn: SSO_ROLE,
      session: 'erin@example.com',
      identitySource: 'sso',
    });
  });

  it('SSO with no email: refused saying so, unless a link in the account applies', async () => {
    const world = inMemoryWorld(settings(), NOW);
    world.profiles.set(ERIN, { isDeleted: false, isBot: false });

    const refused = await resolveIdentity(world.deps, ERIN, CLUSTER);
    world.links.set(ERIN, link());
    const linked = await resolveIdentity(world.deps, ERIN, CLUSTER);

    expect(refused).toEqual({
      ok: false,
      refusal: {
        code: 'sso_identity_unavailable',
        user: ERIN,
        accountId: ACCOUNT,
        reason: 'no_email',
        askWhom: [BOB],
      },
    });
    expect(linked).toEqual({
      ok: true,
      identity: { kind: 'session', roleArn: `arn:aws:iam::${ACCOUNT}:role/ops`, session: 'erin', source: 'link' },
      linkedAt: NOW - 86_400_000,
    });
  });

  it.each([
    ['deactivated', { isDeleted: true, isBot: false }],
    ['bot', { isDeleted: false, isBot: true }],
  ] as const)('a %s person is refused even with an email and a link', async (reason, flags) => {
    const world = inMemoryWorld(settings(), NOW);
    world.profiles.set(ERIN, { email: 'erin@example.com', ...flags });
    world.links.set(ERIN, link());

    expect(await resolveIdentity(world.deps, ERIN, CLUSTER)).toEqual({
      ok: false,
      refusal: { code: 'inactive_person', user: ERIN, reason },
    });
  });

  it('a link applies only on clusters of its account; elsewhere the person is not mapped', async () => {
    const world = inMemoryWorld(settings({ identity: {} }), NOW);
    world.links.set(ERIN, link({ principalArn: `arn:aws:iam::${ACCOUNT}:user/erin`, session: undefined }));

    const here = await resolveIdentity(world.deps, ERIN, CLUSTER);
    const there = await resolveIdentity(world.deps, ERIN, OTHER_ACCOUNT);

    expect(here).toMatchObject({ ok: true, identity: { kind: 'principal', source: 'link' } });
    expect(there).toEqual({
      ok: false,
      refusal: { code: 'unmapped_user', user: ERIN, askWhom: [BOB], accountId: '444455556666' },
    });
  });

  it('an expired link reads as absent', async () => {
    const world = inMemoryWorld(settings({ identity: {} }), NOW);
    world.links.set(ERIN, link({ expiresAt: NOW - 1 }));

    expect(await resolveIdentity(world.deps, ERIN, CLUSTER)).toMatchObject({
      ok: false,
      refusal: { code: 'unmapped_user' },
    });
  });
});

describe('submitting with a resolved identity', () => {
  const submit = (world: ReturnType<typeof inMemoryWorld>, subject = ERIN, level: 'view' | 'edit' = 'view') =>
    submitRequest(world.deps, {
      requestId: asRequestId('R0000000042'),
      requester: subject,
      subject,
      clusterGiven: 'prod-cluster',
      level,
      namespaces: [],
      conversation: { channel: asChannelId('C0REQUESTS') },
    });

  it('an SSO session is stored with its session and source, and no AWS look-up of the shared role is made', async () => {
    const world = inMemoryWorld(settings(), NOW);
    world.profiles.set(ERIN, { email: 'erin@example.com', isDeleted: false, isBot: false });

    const result = await submit(world);
    const stored = world.requests.get('R0000000042');

    expect(result.ok).toBe(true);
    expect(stored).toMatchObject({ principalArn: SSO_ROLE, session: 'erin@example.com', identitySource: 'sso' });
    expect(stored?.sharedRole).toBeUndefined();
    expect(world.awsCalls).toEqual([]);
  });

  it('refuses a lock-out recovery for a session on a shared role, and files nothing', async () => {
    const world = inMemoryWorld(
      settings({ clusters: [{ ...CLUSTER, approvers: [BOB, ALICE, asPersonId('U0CAROL')] }] }),
      NOW,
    );
    world.profiles.set(ERIN, { email: 'erin@example.com', isDeleted: false, isBot: false });

    const result = await submitRequest(world.deps, {
      requestId: asRequestId('R0000000043'),
      kind: 'recover',
      requester: BOB,
      subject: ERIN,
      clusterGiven: 'prod-cluster',
      level: 'cluster-admin',
      namespaces: [],
      conversation: { channel: asChannelId('C0REQUESTS') },
    });

    expect(result).toMatchObject({ ok: false, code: 'recovery_needs_own_principal' });
    expect(JSON.stringify(result)).toContain('everyone who signs in to it would become cluster-admin');
    expect(world.requests.get('R0000000043')).toBeUndefined();
  });

  it('a whole shared role is marked, never approved by policy, and its card asks for the step-up', async () => {
    const world = inMemoryWorld(
      {
        clusters: [{ ...CLUSTER, autoApprove: { levels: ['view'] } }],
        users: { [ALICE]: SSO_ROLE },
      },
      NOW,
    );

    const result = await submit(world, ALICE);
    const stored = world.requests.get('R0000000042');
    const card = world.posts.find((p) => String(p.message.text).startsWith('Access request'));

    expect(result.ok).toBe(true);
    expect(stored).toMatchObject({ status: 'pending', sharedRole: { roleArn: SSO_ROLE, reason: 'sso-reserved' } });
    expect(stored?.session).toBeUndefined();
    expect(
      card?.message.parts.flatMap((part) => (part.kind === 'buttons' ? part.buttons.map((b) => b.action) : [])),
    ).toContain('approve-step-up');
  });

  it('a refusal files nothing and is audited', async () => {
    const world = inMemoryWorld(settings(), NOW);
    world.profiles.set(ERIN, { isDeleted: false, isBot: false });

    const result = await submit(world);

    expect(result).toMatchObject({ ok: false, code: 'sso_identity_unavailable' });
    expect(world.requests.size).toBe(0);
    expect(world.audit.map((e) => `${e.type}:${e.detail?.['code']}`)).toEqual(['refused:sso_identity_unavailable']);
  });
});

describe('the refusals say what to do', () => {
  it('not mapped: names users, identity.sso and link, with the exact get-token command', () => {
    const text = plainText(describeRefusal({ code: 'unmapped_user', user: ERIN, askWhom: [BOB], accountId: ACCOUNT }));

    expect(text).toContain('@U0ERIN is not mapped to an AWS identity');
    expect(text).toContain('`identity.sso` in account `111122223333`');
    expect(text).toContain('`aws eks get-token --cluster-name eks-access-link`');
    expect(text).toContain('ask @U0BOB to add the IAM ARN for @U0ERIN to `users`');
  });

  it.each([
    ['no_email', 'their Slack profile shows no email'],
    ['invalid_session', 'does not make a valid AWS session name'],
  ] as const)('SSO %s: says so, and offers link and users', (reason, words) => {
    const text = plainText(
      describeRefusal({ code: 'sso_identity_unavailable', user: ERIN, accountId: ACCOUNT, reason, askWhom: [BOB] }),
    );

    expect(text).toContain(words);
    expect(text).toContain('eks-access-link');
    expect(text).toContain('add @U0ERIN to `users`');
    expect(text).toContain('Nothing was filed');
  });
});
