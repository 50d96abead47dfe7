import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseAwsAuth } from '../../../../src/core/aws-auth/document.ts';
import { matchCaller } from '../../../../src/core/aws-auth/match.ts';

const ACCOUNT = '111122223333';
const role = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;
const session = (name: string, account = ACCOUNT) => `arn:aws:sts::${account}:assumed-role/${name}/bob@example.com`;
const user = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;

const mapRoles = `- rolearn: ${role('NodeRole')}
  username: system:node:{{EC2PrivateDNSName}}
  groups: [system:bootstrappers, system:nodes]
- rolearn: ${role('platform/bob-admin')}
  username: bob-with-path
  groups: [system:masters]
- rolearn: ${role('Bob-Admin')}
  username: bob-first
  groups: [view]
- rolearn: ${role('bob-admin')}
  username: bob-{{SessionName}}
  groups: [edit]
- rolearn: ${user('carol')}
  username: carol-in-roles
- sso: {permissionSetName: Admin, accountID: "${ACCOUNT}"}
  username: sso-admin
  groups: [system:masters]
`;
const mapUsers = `- userarn: ${user('carol')}
  username: carol-in-users
- userarn: ${role('dave')}
  username: dave-role-in-users
- userarn: ${user('ops/erin')}
  username: erin
`;
const doc = parseAwsAuth({ mapRoles, mapUsers, mapAccounts: '- "444455556666"\n' });

describe('matchCaller', () => {
  it.each([
    ['a node session', session('NodeRole'), 'mapRoles', 'system:node:{{EC2PrivateDNSName}}'],
    ['a session, last duplicate winning, ARN case ignored', session('BOB-ADMIN'), 'mapRoles', 'bob-{{SessionName}}'],
    ['a user listed in both lists (mapRoles first)', user('carol'), 'mapRoles', 'carol-in-roles'],
    ['a role listed under mapUsers', session('dave'), 'mapUsers', 'dave-role-in-users'],
    ['a user with a path', user('ops/erin'), 'mapUsers', 'erin'],
    ['an account in mapAccounts', session('anything', '444455556666'), 'mapAccounts', role('anything', '444455556666')],
  ])('maps %s', (_, caller, via, username) => {
    expect(matchCaller(doc, caller)).toMatchObject({ via, username });
  });

  it('returns the entry, the unrendered username and the groups', () => {
    const match = matchCaller(doc, session('bob-admin'));

    expect(match).toMatchObject({
      via: 'mapRoles',
      entry: { index: 3, rolearn: role('bob-admin') },
      groups: ['edit'],
      canonicalArn: role('bob-admin'),
      isAmbiguous: false,
    });
  });

  it('gives mapAccounts callers their canonical ARN and no groups', () => {
    expect(matchCaller(doc, session('x', '444455556666'))).toEqual({
      via: 'mapAccounts',
      username: role('x', '444455556666'),
      groups: [],
      canonicalArn: role('x', '444455556666'),
      account: '444455556666',
    });
  });

  it.each([
    ['a role whose only item has a path', session('bob-with-path')],
    ['a user written without its path', user('erin')],
    ['an unmapped role', session('stranger')],
    ['root', `arn:aws:iam::${ACCOUNT}:root`],
    ['a malformed caller', 'arn:aws:sts::111122223333:assumed-role/only'],
    ['an unknown partition', 'arn:mars:sts::111122223333:assumed-role/bob-admin/s'],
    ['an SSO session without the SSORoleMatch gate', session('AWSReservedSSO_Admin_0a1b2c3d4e5f6a7b')],
  ])('does not map %s', (_, caller) => {
    expect(matchCaller(doc, caller)).toBeUndefined();
  });

  it('never matches a path-bearing rolearn, even against the full role ARN', () => {
    const pathOnly = parseAwsAuth({ mapRoles: `- rolearn: ${role('platform/x')}\n` });

    expect(matchCaller(pathOnly, session('x'))).toBeUndefined();
    expect(matchCaller(pathOnly, role('platform/x'))).toMatchObject({ via: 'mapRoles' });
  });

  it('lets an sso matcher match only behind the SSORoleMatch gate', () => {
    const caller = session('AWSReservedSSO_Admin_0a1b2c3d4e5f6a7b');

    expect(matchCaller(doc, caller, { ssoRoleMatch: true })).toMatchObject({ via: 'mapRoles', username: 'sso-admin' });
  });

  it('falls through to mapUsers when mapRoles failed to parse, as the authenticator does', () => {
    const broken = parseAwsAuth({ mapRoles: `${mapRoles}  - [`, mapUsers });

    expect(broken.keys.mapRoles.status).toBe('failed');
    expect(matchCaller(broken, user('carol'))).toMatchObject({ via: 'mapUsers', username: 'carol-in-users' });
    expect(matchCaller(broken, session('NodeRole'))).toBeUndefined();
  });

  it('ignores wrong-case data keys', () => {
    expect(matchCaller(parseAwsAuth({ MapRoles: mapRoles }), session('NodeRole'))).toBeUndefined();
  });

  it('flags user ARNs that differ only in case as ambiguous', () => {
    const twice = parseAwsAuth({
      mapUsers: `- userarn: ${user('Carol')}\n  username: a\n- userarn: ${user('carol')}\n  username: b\n`,
    });

    expect(matchCaller(twice, user('carol'))).toMatchObject({ username: 'b', isAmbiguous: true });
  });
});

// A reference model: the authenticator's lookup as a plain loop over the items as generated, before any YAML.
type Item = { arn?: string; username?: string; groups?: string[]; arnKey: string };

function canonical(caller: string): string {
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(caller);
  return session === null ? caller : `arn:aws:iam::${session[1]}:role/${session[2]}`;
}

function reference(roles: Item[], users: Item[], accounts: string[], caller: string) {
  const wanted = canonical(caller).toLowerCase();
  for (const [via, items] of [['mapRoles', roles] as const, ['mapUsers', users] as const]) {
    let found: { index: number; item: Item } | undefined;
    items.forEach((item, index) => {
      if (item.arn !== undefined && item.arn !== '' && item.arn.toLowerCase() === wanted) found = { index, item };
    });
    if (found !== undefined) {
      return { via, index: found.index, username: found.item.username ?? '', groups: found.item.groups ?? [] };
    }
  }
  const account = canonical(caller).split(':')[4] ?? '';
  return accounts.includes(account) ? { via: 'mapAccounts', username: canonical(caller), groups: [] } : undefined;
}

const names = fc.constantFrom('bob', 'Bob', 'alice', 'team/bob', 'NodeRole');
const accounts = fc.constantFrom('111122223333', '444455556666');
const principalArn = fc.oneof(
  fc.tuple(accounts, names).map(([a, n]) => `arn:aws:iam::${a}:role/${n}`),
  fc.tuple(accounts, names).map(([a, n]) => `arn:aws:iam::${a}:user/${n}`),
  fc.tuple(accounts, names).map(([a, n]) => `arn:aws:sts::${a}:assumed-role/${n.replace('/', '-')}/s`),
);
const arnKey = (field: string) => fc.constantFrom(field, field.toUpperCase(), `${field.slice(0, 4)}ARN`);
const item = (field: string) =>
  fc.record({
    arn: fc.option(principalArn, { nil: undefined }),
    username: fc.option(fc.constantFrom('u1', 'u2', 'system:node:{{EC2PrivateDNSName}}'), { nil: undefined }),
    groups: fc.option(fc.array(fc.constantFrom('system:masters', 'view', 'edit'), { maxLength: 2 }), {
      nil: undefined,
    }),
    arnKey: arnKey(field),
  });
const caller = fc.oneof(
  principalArn,
  fc.tuple(accounts, names).map(([a, n]) => `arn:aws:sts::${a}:assumed-role/${n.split('/').at(-1)}/session`),
);

function toYaml(items: Item[]): string {
  const written = items.map((i) => ({
    ...(i.arn === undefined ? {} : { [i.arnKey]: i.arn }),
    ...(i.username === undefined ? {} : { username: i.username }),
    ...(i.groups === undefined ? {} : { groups: i.groups }),
  }));
  return written.length === 0 ? '' : stringify(written);
}

describe('matchCaller agrees with a reference loop on random documents', () => {
  it('for any caller', () => {
    fc.assert(
      fc.property(
        fc.array(item('rolearn'), { maxLength: 6 }),
        fc.array(item('userarn'), { maxLength: 6 }),
        fc.subarray(['111122223333', '444455556666']),
        caller,
        (roles, users, mapAccounts, who) => {
          const doc = parseAwsAuth({
            mapRoles: toYaml(roles),
            mapUsers: toYaml(users),
            mapAccounts: mapAccounts.length === 0 ? '' : stringify(mapAccounts),
          });

          const actual = matchCaller(doc, who);
          const expected = reference(roles, users, mapAccounts, who);

          if (expected === undefined) expect(actual).toBeUndefined();
          else if (expected.via === 'mapAccounts') expect(actual).toMatchObject(expected);
          else {
            expect(actual).toMatchObject({ via: expected.via, username: expected.username, groups: expected.groups });
            expect(actual?.via !== 'mapAccounts' && actual?.entry.index).toBe(expected.index);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
