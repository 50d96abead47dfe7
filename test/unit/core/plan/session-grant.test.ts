import { describe, expect, it } from 'vitest';
import { editAwsAuth } from '../../../../src/core/aws-auth/edit.ts';
import { accessEntrySessionUsername } from '../../../../src/core/identity/person-identity.ts';
import {
  accessEntrySessionUser,
  awsAuthSessionUser,
  decideSessionItem,
  planSessionBinding,
  SESSION_USERNAME_TEMPLATE,
  sessionNameProblem,
  sessionProof,
} from '../../../../src/core/plan/session-grant.ts';

const ROLE_NAME = 'AWSReservedSSO_Developer_0123456789abcdef';
const SSO_ROLE = `arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/${ROLE_NAME}`;
const ROLE = `arn:aws:iam::111122223333:role/${ROLE_NAME}`;

describe('the username EKS renders for a session through an access entry', () => {
  it('drops the role path and turns every @ of the session into -', () => {
    expect(accessEntrySessionUsername(SSO_ROLE, 'erin@example.com')).toBe(
      `arn:aws:sts::111122223333:assumed-role/${ROLE_NAME}/erin-example.com`,
    );
    expect(accessEntrySessionUsername('arn:aws-cn:iam::111122223333:role/ops/dev', 'a@b@c')).toBe(
      'arn:aws-cn:sts::111122223333:assumed-role/dev/a-b-c',
    );
  });

  it('uses the default username when the entry has none, or renders the one the entry has', () => {
    const defaultUsername = `arn:aws:sts::111122223333:assumed-role/${ROLE_NAME}/{{SessionName}}`;
    const expected = `arn:aws:sts::111122223333:assumed-role/${ROLE_NAME}/erin-example.com`;

    expect(accessEntrySessionUser(undefined, SSO_ROLE, 'erin@example.com')).toEqual({ username: expected });
    expect(accessEntrySessionUser(defaultUsername, SSO_ROLE, 'erin@example.com')).toEqual({ username: expected });
    expect(accessEntrySessionUser('dev:{{AccountID}}:{{SessionName}}', SSO_ROLE, 'erin@example.com')).toEqual({
      username: 'dev:111122223333:erin-example.com',
    });
  });

  it('refuses an entry whose username is the same for every session', () => {
    const answer = accessEntrySessionUser('developers', SSO_ROLE, 'erin@example.com');

    expect(answer).toEqual({ refusal: expect.stringContaining('changing an existing entry') });
  });

  it('refuses a principal that is not a role', () => {
    expect(accessEntrySessionUser(undefined, 'arn:aws:iam::111122223333:user/erin', 'erin')).toHaveProperty('refusal');
  });
});

describe('the aws-auth item a session grant needs', () => {
  it('adds the role, path-less, with the session template and no group when aws-auth has no item for it', () => {
    const decision = decideSessionItem(undefined, ROLE, 'erin@example.com');

    expect(decision).toEqual({
      kind: 'create',
      item: { kind: 'role', arn: ROLE, username: 'sso:{{SessionName}}', groups: [] },
      username: 'sso:erin-example.com',
    });
    expect(SESSION_USERNAME_TEMPLATE).toBe('sso:{{SessionName}}');
  });

  it('uses an item that renders per session, keeping @ for {{SessionNameRaw}}', () => {
    const raw = { arn: ROLE, username: 'dev:{{SessionNameRaw}}', groups: ['developers'] };
    const plain = { arn: ROLE, username: '{{AccountID}}:{{SessionName}}', groups: [] };

    expect(decideSessionItem(raw, ROLE, 'erin@example.com')).toEqual({
      kind: 'reuse',
      username: 'dev:erin@example.com',
    });
    expect(decideSessionItem(plain, ROLE, 'erin@example.com')).toEqual({
      kind: 'reuse',
      username: '111122223333:erin-example.com',
    });
  });

  it('refuses an item with a fixed username, and one whose template needs what a session does not give', () => {
    const fixed = decideSessionItem({ arn: ROLE, username: 'developers', groups: ['dev'] }, ROLE, 'erin');
    const keyed = decideSessionItem(
      { arn: ROLE, username: 'k:{{AccessKeyID}}:{{SessionName}}', groups: [] },
      ROLE,
      'erin',
    );

    expect(fixed).toEqual({ kind: 'refuse', reason: expect.stringContaining("changing an existing item's username") });
    expect(keyed.kind).toBe('refuse');
  });

  it('refuses a session name IAM would not issue, before anything reaches a username', () => {
    expect(decideSessionItem(undefined, ROLE, 'erin\n- rolearn: x').kind).toBe('refuse');
    expect(decideSessionItem(undefined, ROLE, '{{SessionName}}').kind).toBe('refuse');
    expect(sessionNameProblem('e')).toBeDefined();
    expect(sessionNameProblem('erin+ops=1,x.y@example.com')).toBeUndefined();
  });

  it('renders a template only when it is per session', () => {
    expect(awsAuthSessionUser('sso:{{SessionName}}', ROLE, 'a@b')).toEqual({ username: 'sso:a-b' });
    expect(awsAuthSessionUser('ops-admin', ROLE, 'a@b')).toHaveProperty('refusal');
  });

  it('the item it adds passes the editor: a per-session item may have no group, a fixed one may not', () => {
    const decision = decideSessionItem(undefined, ROLE, 'erin@example.com');
    if (decision.kind !== 'create') throw new Error('expected create');

    const added = editAwsAuth({}, [{ op: 'upsert', id: 'r1', item: decision.item }]);
    const fixed = editAwsAuth({}, [{ op: 'upsert', id: 'r2', item: { ...decision.item, username: 'developers' } }]);

    expect(added.results[0]?.status).toBe('applied');
    expect(added.data['mapRoles']).toContain('username: "sso:{{SessionName}}"');
    expect(added.data['mapRoles']).toContain('groups: []');
    expect(fixed.results[0]).toMatchObject({ status: 'refused', code: 'missing_groups' });
  });
});

describe('the RBAC half', () => {
  it('binds the level’s ClusterRole, cluster-wide or once per namespace', () => {
    expect(planSessionBinding('u', 'view', [])).toEqual({ user: 'u', clusterRole: 'view' });
    expect(planSessionBinding('u', 'cluster-admin', [])).toEqual({ user: 'u', clusterRole: 'cluster-admin' });
    expect(planSessionBinding('u', 'edit', ['a', 'b', 'a'])).toEqual({
      user: 'u',
      clusterRole: 'edit',
      namespaces: ['a', 'b'],
    });
  });

  it('proves the grant with get pods cluster-wide, or list pods in the first namespace', () => {
    expect(sessionProof([])).toEqual({ verb: 'get', resource: 'pods' });
    expect(sessionProof(['payments', 'web'])).toEqual({ verb: 'list', resource: 'pods', namespace: 'payments' });
  });
});
