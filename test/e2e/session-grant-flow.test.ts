import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SlackMessage } from '../../sandbox/slack/web-api.ts';
import { userBindingName } from '../../src/adapters/kubernetes/rbac.ts';
import { APPROVAL_CHANNEL, type E2eSandbox, PEOPLE } from '../support/e2e-sandbox.ts';
import { useRunningBot } from '../support/running-bot.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Issue 19, per-person grants on a shared role: two people sign in to the same IAM Identity Center role with their
 * own session names. A grant for one binds only the Kubernetes username of that session; the role gets no policy
 * and no level group, so the other person gains nothing. Everything goes through signed Slack requests, the real
 * bot process, and the SDK and Kubernetes clients against the fakes.
 */
const ACCOUNT = '111122223333';
const ROLE_NAME = 'AWSReservedSSO_Developer_0123456789abcdef';
const SSO_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${ROLE_NAME}`;
const SSO_ROLE_NO_PATH = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
const ERIN = 'U0SSOERIN';
const FRANK = 'U0SSOFRANK';
const ERIN_USER = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/erin-example.com`;
const FRANK_USER = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/frank-example.com`;

let sandbox: E2eSandbox;
useRunningBot(
  (started) => {
    sandbox = started;
  },
  {
    usersExtra: [
      `  ${ERIN}: { role: "${SSO_ROLE}", session: "erin@example.com" }`,
      `  ${FRANK}: { role: "${SSO_ROLE}", session: "frank@example.com" }`,
      '',
    ].join('\n'),
  },
);

beforeAll(() => {
  // IAM Identity Center creates the permission-set role in the account; EKS checks the principal exists.
  sandbox.iam.addRole(SSO_ROLE);
});

const textOf = (m: SlackMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

/** Files the request as `user`, approves it as approver1 (card in the approval channel or approver1's DM). */
async function grant(user: string, text: string): Promise<{ id: string; threadTs: string }> {
  const sent = await sandbox.mention(user, text);
  const ack = await sandbox.slack.waitForMessage(
    (m) => m.threadTs === sent.ts && /Request `R/.test(m.text ?? ''),
    10_000,
  );
  const id = /Request `(R[0-9A-Z]+)`/.exec(ack.text ?? '')?.[1] ?? '';
  const approverDm = sandbox.slack.dmChannelFor(PEOPLE.approver1);
  const card = await sandbox.slack.waitForMessage(
    (m) => (m.channel === APPROVAL_CHANNEL || m.channel === approverDm) && textOf(m).includes(id),
    10_000,
  );
  await sandbox.click(PEOPLE.approver1, 'approve', { channel: card.channel, ts: card.ts, value: id });
  await waitFor(async () => ['granted', 'failed'].includes((await sandbox.request(id))?.status ?? ''), {
    timeoutMs: 30_000,
    what: `${id} applied`,
  });
  return { id, threadTs: sent.ts };
}

async function done(user: string, id: string): Promise<void> {
  await sandbox.mention(user, "I'm done");
  await waitFor(async () => (await sandbox.request(id))?.status === 'revoked', { timeoutMs: 30_000, what: 'revoked' });
}

function bindingsNaming(cluster: 'staging' | 'prod-cluster' | 'old-cluster', user: string) {
  return sandbox.kube[cluster].bindings().filter((b) => b.subjects.some((s) => s.kind === 'User' && s.name === user));
}

/** The calls of `op` on the role's entry, on any cluster or on `cluster`. */
function callsOn(op: string, roleArn: string, cluster = '') {
  return sandbox.eks
    .callsTo(op)
    .filter((c) => decodeURIComponent(c.path).includes(roleArn) && c.path.startsWith(`/clusters/${cluster}`));
}

function associateCallsFor(roleArn: string) {
  return callsOn('AssociateAccessPolicy', roleArn);
}

describe('per-person grant on a shared IAM Identity Center role, access entries', () => {
  it('creates the role entry without a policy, binds only erin’s session, and the end removes both', async () => {
    const { id, threadTs } = await grant(ERIN, 'grant me view on staging for 1h');
    const stored = await sandbox.request(id);

    expect(stored?.status).toBe('granted');
    expect(stored?.session).toBe('erin@example.com');
    const entry = sandbox.eks.entry('staging', SSO_ROLE);
    expect(entry?.principalArn).toBe(SSO_ROLE);
    expect(entry?.username).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/{{SessionName}}`);
    expect(entry?.tags).toMatchObject({ 'eks-access/managed-by': 'eks-access', 'eks-access/request': id });
    expect(sandbox.eks.policies('staging', SSO_ROLE)).toEqual([]);
    expect(associateCallsFor(SSO_ROLE)).toEqual([]);
    const bindings = bindingsNaming('staging', ERIN_USER);
    expect(bindings).toHaveLength(1);
    expect(bindings[0]).toMatchObject({
      name: userBindingName(ERIN_USER, 'view'),
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', name: ERIN_USER, apiGroup: 'rbac.authorization.k8s.io' }],
    });
    expect(bindings[0]?.namespace).toBeUndefined();
    // Kubernetes answers for each session's own username: erin yes; frank, on the same role, no.
    expect(sandbox.kube.staging.review({ user: ERIN_USER, verb: 'get', resource: 'pods' })).toBe(true);
    expect(sandbox.kube.staging.review({ user: FRANK_USER, verb: 'get', resource: 'pods' })).toBe(false);
    // The spelling with `@` is not what EKS renders; nothing binds it.
    expect(
      sandbox.kube.staging.review({ user: ERIN_USER.replace('-example', '@example'), verb: 'get', resource: 'pods' }),
    ).toBe(false);
    expect(stored?.outcome).toMatchObject({
      principalArn: SSO_ROLE,
      sessionUsername: ERIN_USER,
      createdRoleEntry: true,
      sessionBindings: [{ kind: 'ClusterRoleBinding', name: userBindingName(ERIN_USER, 'view'), clusterRole: 'view' }],
    });
    const reply = await sandbox.slack.waitForMessage((m) => m.threadTs === threadTs && /now has/.test(m.text ?? ''));
    expect(textOf(reply)).toContain('SubjectAccessReview');

    await done(ERIN, id);

    expect(bindingsNaming('staging', ERIN_USER)).toEqual([]);
    expect(sandbox.eks.entry('staging', SSO_ROLE)).toBeUndefined();
    expect(sandbox.kube.staging.review({ user: ERIN_USER, verb: 'get', resource: 'pods' })).toBe(false);
  });

  it('leaves a role entry that was there before exactly as it was', async () => {
    sandbox.eks.seedAccessEntry('prod-cluster', { principalArn: SSO_ROLE, tags: { team: 'platform' } });
    const before = sandbox.eks.entry('prod-cluster', SSO_ROLE);
    const updatesBefore = sandbox.eks.callsTo('UpdateAccessEntry').length;

    const { id } = await grant(ERIN, 'grant me view on prod-cluster for 1h');

    expect((await sandbox.request(id))?.status).toBe('granted');
    expect((await sandbox.request(id))?.outcome?.createdRoleEntry).toBe(false);
    expect(bindingsNaming('prod-cluster', ERIN_USER)).toHaveLength(1);
    expect(sandbox.eks.policies('prod-cluster', SSO_ROLE)).toEqual([]);
    expect(associateCallsFor(SSO_ROLE)).toEqual([]);
    expect(sandbox.kube['prod-cluster'].review({ user: FRANK_USER, verb: 'get', resource: 'pods' })).toBe(false);

    await done(ERIN, id);

    expect(bindingsNaming('prod-cluster', ERIN_USER)).toEqual([]);
    expect(sandbox.eks.entry('prod-cluster', SSO_ROLE)).toEqual(before);
    expect(sandbox.eks.callsTo('UpdateAccessEntry').length).toBe(updatesBefore);
    expect(callsOn('DeleteAccessEntry', SSO_ROLE, 'prod-cluster/')).toEqual([]);
  });

  it('two people on the same role share the entry eks-access created: the last end removes it', async () => {
    const creates = () => sandbox.eks.callsTo('CreateAccessEntry').filter((c) => c.body.includes(ROLE_NAME)).length;
    const createsBefore = creates();
    const erin = await grant(ERIN, 'grant me view on staging for 1h');
    const frank = await grant(FRANK, 'grant me view on staging for 1h');

    expect((await sandbox.request(frank.id))?.outcome?.createdRoleEntry).toBe(true);
    expect(creates() - createsBefore).toBe(1);
    expect(bindingsNaming('staging', ERIN_USER)).toHaveLength(1);
    expect(bindingsNaming('staging', FRANK_USER)).toHaveLength(1);

    await done(ERIN, erin.id);

    expect(bindingsNaming('staging', ERIN_USER)).toEqual([]);
    expect(sandbox.eks.entry('staging', SSO_ROLE)).toBeDefined();
    expect(sandbox.kube.staging.review({ user: FRANK_USER, verb: 'get', resource: 'pods' })).toBe(true);
    expect((await sandbox.request(erin.id))?.ended?.evidence.join('\n')).toContain('1 other active grant(s) use it');

    await done(FRANK, frank.id);

    expect(bindingsNaming('staging', FRANK_USER)).toEqual([]);
    expect(sandbox.eks.entry('staging', SSO_ROLE)).toBeUndefined();
  });

  it('a namespaced grant makes one RoleBinding in each namespace and nothing cluster-wide', async () => {
    const { id } = await grant(ERIN, 'grant me edit on staging in namespaces payments and web for 1h');

    expect((await sandbox.request(id))?.status).toBe('granted');
    const bindings = bindingsNaming('staging', ERIN_USER);
    expect(bindings.map((b) => b.namespace).sort()).toEqual(['payments', 'web']);
    expect(bindings.every((b) => b.roleRef.name === 'edit' && b.name === userBindingName(ERIN_USER, 'edit'))).toBe(
      true,
    );
    const kube = sandbox.kube.staging;
    expect(kube.review({ user: ERIN_USER, verb: 'create', resource: 'pods', namespace: 'web' })).toBe(true);
    expect(kube.review({ user: ERIN_USER, verb: 'create', resource: 'pods', namespace: 'default' })).toBe(false);
    expect(kube.review({ user: FRANK_USER, verb: 'list', resource: 'pods', namespace: 'payments' })).toBe(false);
    expect(associateCallsFor(SSO_ROLE)).toEqual([]);

    await done(ERIN, id);

    expect(bindingsNaming('staging', ERIN_USER)).toEqual([]);
    expect(sandbox.eks.entry('staging', SSO_ROLE)).toBeUndefined();
  });
});

describe('per-person grant on a shared role, aws-auth (CONFIG_MAP cluster)', () => {
  const awsAuth = () => sandbox.kube['old-cluster'].configMap('kube-system', 'aws-auth');
  const roleItems = () =>
    (parse(awsAuth()?.data['mapRoles'] ?? '') as { rolearn: string; username: string; groups: string[] }[]).filter(
      (r) => r.rolearn === SSO_ROLE_NO_PATH,
    );

  it('adds the role with a session username template and no group, binds sso:erin-example.com, and the end undoes both', async () => {
    const mapRolesBefore = awsAuth()?.data['mapRoles'];

    const { id } = await grant(ERIN, 'grant me view on old-cluster for 1h');

    expect((await sandbox.request(id))?.status).toBe('granted');
    expect(roleItems()).toEqual([{ rolearn: SSO_ROLE_NO_PATH, username: 'sso:{{SessionName}}', groups: [] }]);
    const bindings = bindingsNaming('old-cluster', 'sso:erin-example.com');
    expect(bindings).toHaveLength(1);
    expect(bindings[0]?.roleRef.name).toBe('view');
    const kube = sandbox.kube['old-cluster'];
    expect(kube.review({ user: 'sso:erin-example.com', verb: 'get', resource: 'pods' })).toBe(true);
    expect(kube.review({ user: 'sso:frank-example.com', verb: 'get', resource: 'pods' })).toBe(false);
    expect((await sandbox.request(id))?.outcome).toMatchObject({
      method: 'aws-auth',
      principalArn: SSO_ROLE_NO_PATH,
      sessionUsername: 'sso:erin-example.com',
      createdRoleEntry: true,
    });

    await done(ERIN, id);

    expect(bindingsNaming('old-cluster', 'sso:erin-example.com')).toEqual([]);
    expect(roleItems()).toEqual([]);
    expect(awsAuth()?.data['mapRoles']).toBe(mapRolesBefore);
  });

  it('uses an existing item that renders per session ({{SessionNameRaw}} keeps the @) and never changes it', async () => {
    const kube = sandbox.kube['old-cluster'];
    const current = awsAuth()?.data ?? {};
    const mapRoles = `${current['mapRoles'] ?? ''}- rolearn: ${SSO_ROLE_NO_PATH}\n  username: "dev:{{SessionNameRaw}}"\n  groups:\n    - developers\n`;
    kube.setConfigMap('kube-system', 'aws-auth', { ...current, mapRoles });

    const { id } = await grant(FRANK, 'grant me view on old-cluster for 1h');

    expect((await sandbox.request(id))?.status).toBe('granted');
    expect(bindingsNaming('old-cluster', 'dev:frank@example.com')).toHaveLength(1);
    expect(kube.review({ user: 'dev:frank@example.com', verb: 'get', resource: 'pods' })).toBe(true);
    expect(awsAuth()?.data['mapRoles']).toBe(mapRoles);

    await done(FRANK, id);

    expect(bindingsNaming('old-cluster', 'dev:frank@example.com')).toEqual([]);
    expect(awsAuth()?.data['mapRoles']).toBe(mapRoles);
  });

  it('refuses when the role’s item has a fixed username, and changes nothing', async () => {
    const kube = sandbox.kube['old-cluster'];
    const current = awsAuth()?.data ?? {};
    const mapRoles = (current['mapRoles'] ?? '').replace('"dev:{{SessionNameRaw}}"', 'developers');
    kube.setConfigMap('kube-system', 'aws-auth', { ...current, mapRoles });
    const version = awsAuth()?.resourceVersion;

    const { id } = await grant(ERIN, 'grant me view on old-cluster for 1h');
    const stored = await sandbox.request(id);

    expect(stored?.status).toBe('failed');
    expect(stored?.failure?.message).toContain('changing an existing item');
    expect(awsAuth()?.resourceVersion).toBe(version);
    expect(bindingsNaming('old-cluster', 'sso:erin-example.com')).toEqual([]);
    expect(bindingsNaming('old-cluster', 'developers')).toEqual([]);
  });
});
