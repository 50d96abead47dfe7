import { request } from 'node:https';
import {
  ApiException,
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  type V1SubjectAccessReviewSpec,
} from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesApiFake } from '../../../sandbox/kubernetes/api-server.ts';
import {
  type PresignTokenInput,
  presignEksToken,
  presignedStsUrl,
  tokenFromUrl,
} from '../../../sandbox/kubernetes/presign-token.ts';

const CLUSTER = 'prod-eu';
const ACCOUNT = '111122223333';
const BOT = { accessKeyId: 'AKIASANDBOXK8S00001', secretAccessKey: 'k8s-sandbox-secret' };
const BOT_ARN = `arn:aws:iam::${ACCOUNT}:user/bots/eks-access`;
const SESSION = {
  accessKeyId: 'ASIASANDBOXK8S00002',
  secretAccessKey: 'session-secret',
  sessionToken: 'FwoGZXIvYXdz+/=token',
};
const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/eks-access-executor/req-42`;
const AWS_AUTH = {
  mapRoles: '- rolearn: arn:aws:iam::111122223333:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n',
};
const MINUTE = 60_000;

let k8s: KubernetesApiFake;
const clock = Date.UTC(2025, 0, 1, 12, 0, 0);

async function token(input: Partial<PresignTokenInput> = {}): Promise<string> {
  return await presignEksToken({ clusterName: CLUSTER, credentials: BOT, signingDate: new Date(clock), ...input });
}

/** `caData: null` builds a client that trusts only the system CAs. */
function kubeConfig(bearer: string, caData: string | null = k8s.caData): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: CLUSTER, server: k8s.url, skipTLSVerify: false, ...(caData ? { caData } : {}) }],
    users: [{ name: 'bot', token: bearer }],
    contexts: [{ name: CLUSTER, cluster: CLUSTER, user: 'bot' }],
    currentContext: CLUSTER,
  });
  return config;
}

async function core(bearer?: string): Promise<CoreV1Api> {
  return kubeConfig(bearer ?? (await token())).makeApiClient(CoreV1Api);
}

/** The Status object of a failed call (client-node keeps the raw body, except on 401). */
function statusOf(error: unknown): Record<string, unknown> {
  expect(error).toBeInstanceOf(ApiException);
  const body = (error as ApiException<unknown>).body;
  return JSON.parse(typeof body === 'string' ? body : '{}') as Record<string, unknown>;
}

/** A GET with plain node:https, to see the raw answer (client-node drops the 401 body). */
async function rawGet(path: string, bearer: string): Promise<{ status: number; type: string; body: unknown }> {
  return await new Promise((resolve, reject) => {
    const options = { ca: Buffer.from(k8s.caData, 'base64'), headers: { authorization: `Bearer ${bearer}` } };
    const req = request(`${k8s.url}${path}`, options, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body: JSON.parse(text) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  k8s = await KubernetesApiFake.start({
    clusterName: CLUSTER,
    region: 'eu-west-1',
    now: () => clock,
    credentials: {
      [BOT.accessKeyId]: { secretAccessKey: BOT.secretAccessKey, arn: BOT_ARN },
      [SESSION.accessKeyId]: {
        secretAccessKey: SESSION.secretAccessKey,
        arn: SESSION_ARN,
        sessionToken: SESSION.sessionToken,
      },
    },
  });
});

afterAll(async () => {
  await k8s.close();
});

afterEach(() => {
  expect(k8s.unexpected).toEqual([]);
});

describe('Kubernetes API fake: authentication', () => {
  it('lets a token presigned like aws-cli get-token read aws-auth over TLS trusted through caData', async () => {
    k8s.setConfigMap('kube-system', 'aws-auth', AWS_AUTH);
    const bearer = await token({ region: 'eu-west-1' });

    const configMap = await (await core(bearer)).readNamespacedConfigMap({
      name: 'aws-auth',
      namespace: 'kube-system',
    });

    expect(configMap.data).toEqual(AWS_AUTH);
    expect(configMap.metadata?.resourceVersion).toBe(k8s.configMap('kube-system', 'aws-auth')?.resourceVersion);
    expect(k8s.authenticated.at(-1)).toMatchObject({ op: 'ReadConfigMap', arn: BOT_ARN, accessKeyId: BOT.accessKeyId });
    const url = Buffer.from(bearer.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
    expect(url).toMatch(/^https:\/\/sts\.eu-west-1\.amazonaws\.com\/\?Action=GetCallerIdentity&Version=2011-06-15&/);
    expect(url).toContain('X-Amz-SignedHeaders=host%3Bx-k8s-aws-id');
    expect(bearer).not.toContain('=');
  });

  it('accepts the global STS endpoint and a session key that carries its session token', async () => {
    const global = await token({ hostname: 'sts.amazonaws.com' });
    const session = await token({ credentials: SESSION });

    await (await core(global)).listNamespacedConfigMap({ namespace: 'kube-system' });
    await (await core(session)).listNamespacedConfigMap({ namespace: 'kube-system' });

    expect(k8s.authenticated.slice(-2).map((call) => call.arn)).toEqual([BOT_ARN, SESSION_ARN]);
  });

  it.each([
    [
      'a wrong secret',
      () => token({ credentials: { ...BOT, secretAccessKey: 'not-the-secret' } }),
      'signature-mismatch',
    ],
    ['a token made for another cluster name', () => token({ clusterName: 'staging-eu' }), 'signature-mismatch'],
    [
      'an unknown access key',
      () => token({ credentials: { ...BOT, accessKeyId: 'AKIAUNKNOWN000000001' } }),
      'unknown-access-key',
    ],
    ['a token over 15 minutes old', () => token({ signingDate: new Date(clock - 16 * MINUTE) }), 'expired'],
    ['a token dated 6 minutes ahead', () => token({ signingDate: new Date(clock + 6 * MINUTE) }), 'not-yet-valid'],
    [
      'a session key without its session token',
      () => token({ credentials: { ...SESSION, sessionToken: undefined } }),
      'bad-security-token',
    ],
    ['a host that is not STS', () => token({ hostname: 'sts.example.com' }), 'bad-host'],
    ['X-Amz-Expires above 900', () => token({ expiresIn: 901 }), 'bad-expires'],
    [
      'an extra query key',
      async () =>
        tokenFromUrl(
          `${await presignedStsUrl({ clusterName: CLUSTER, credentials: BOT, signingDate: new Date(clock) })}&X-Amz-Foo=1`,
        ),
      'query-key-not-allowed',
    ],
    [
      'a repeated query key',
      async () =>
        tokenFromUrl(
          `${await presignedStsUrl({ clusterName: CLUSTER, credentials: BOT, signingDate: new Date(clock) })}&action=GetCallerIdentity`,
        ),
      'duplicate-query-key',
    ],
    [
      'x-k8s-aws-id missing from the signed headers',
      async () =>
        tokenFromUrl(
          (await presignedStsUrl({ clusterName: CLUSTER, credentials: BOT, signingDate: new Date(clock) })).replace(
            'X-Amz-SignedHeaders=host%3Bx-k8s-aws-id',
            'X-Amz-SignedHeaders=host',
          ),
        ),
      'cluster-id-not-signed',
    ],
    [
      'a token over 4096 bytes',
      () => token({ credentials: { ...SESSION, sessionToken: 'x'.repeat(3_000) } }),
      'too-long',
    ],
    [
      'a bearer value without the k8s-aws-v1. prefix',
      async () => (await token()).replace('k8s-aws-v1.', 'k8s-aws-v2.'),
      'bad-prefix',
    ],
  ])('answers 401 to %s and records why', async (_case, makeToken, reason) => {
    const before = k8s.rejections.length;

    const error = await (await core(await makeToken()))
      .readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<unknown>).code).toBe(401);
    expect(k8s.rejections.slice(before)).toMatchObject([{ reason, op: 'ReadConfigMap', at: clock }]);
  });

  it('answers a rejected token with the Unauthorized Status object as JSON', async () => {
    const response = await rawGet('/api/v1/nodes', await token({ clusterName: 'someone-else' }));

    expect(response).toEqual({
      status: 401,
      type: 'application/json',
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      },
    });
  });

  it('really verifies TLS against the CA: a client that does not trust it fails the handshake', async () => {
    const callsBefore = k8s.calls.length;
    const untrusting = kubeConfig(await token(), null).makeApiClient(CoreV1Api);

    const error = await untrusting.listNode().catch((e: unknown) => e);

    // client-node 2 runs on undici's fetch, which wraps the TLS failure: the handshake error is the cause.
    expect(error).toMatchObject({ cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
    expect(String((error as Error).cause)).toContain('unable to verify the first certificate');
    expect(k8s.calls.length).toBe(callsBefore);
  });

  it('answers 403 Forbidden with the RBAC-style message for a forbidden identity', async () => {
    k8s.forbid(BOT_ARN);
    try {
      const error = await (await core())
        .readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' })
        .catch((e: unknown) => e);

      expect(statusOf(error)).toMatchObject({
        code: 403,
        reason: 'Forbidden',
        message: `configmaps "aws-auth" is forbidden: User "${BOT_ARN}" cannot get resource "configmaps" in API group "" in the namespace "kube-system"`,
      });
    } finally {
      k8s.unforbid(BOT_ARN);
    }
  });
});

describe('Kubernetes API fake: ConfigMaps', () => {
  it('refuses a PUT with a stale resourceVersion (409 Conflict) and accepts it after a re-read', async () => {
    k8s.setConfigMap('kube-system', 'aws-auth', AWS_AUTH);
    const api = await core();
    const read = await api.readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' });
    k8s.setConfigMap('kube-system', 'aws-auth', { ...AWS_AUTH, mapUsers: '[]' }); // someone else writes meanwhile
    const writesBefore = k8s.writes('kube-system', 'aws-auth');

    const stale = await api
      .replaceNamespacedConfigMap({
        name: 'aws-auth',
        namespace: 'kube-system',
        body: { ...read, data: { mapRoles: 'x' } },
      })
      .catch((e: unknown) => e);
    const fresh = await api.readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' });
    const replaced = await api.replaceNamespacedConfigMap({
      name: 'aws-auth',
      namespace: 'kube-system',
      body: { ...fresh, data: { ...fresh.data, mapRoles: 'x' } },
    });

    expect(statusOf(stale)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Operation cannot be fulfilled on configmaps "aws-auth": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'aws-auth', kind: 'configmaps' },
      code: 409,
    });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(fresh.metadata?.resourceVersion));
    expect(k8s.configMap('kube-system', 'aws-auth')?.data).toEqual({ mapRoles: 'x', mapUsers: '[]' });
    expect(k8s.writes('kube-system', 'aws-auth')).toBe(writesBefore + 1);
  });

  it('refuses a PUT without a resourceVersion, and keeps the version on a no-op PUT', async () => {
    k8s.setConfigMap('kube-system', 'aws-auth', AWS_AUTH);
    const api = await core();
    const read = await api.readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' });
    const writesBefore = k8s.writes('kube-system', 'aws-auth');

    const unconditional = await api
      .replaceNamespacedConfigMap({
        name: 'aws-auth',
        namespace: 'kube-system',
        body: { ...read, metadata: { ...read.metadata, resourceVersion: undefined } },
      })
      .catch((e: unknown) => e);
    const noop = await api.replaceNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system', body: read });

    expect(statusOf(unconditional)).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(noop.metadata?.resourceVersion).toBe(read.metadata?.resourceVersion);
    expect(k8s.writes('kube-system', 'aws-auth')).toBe(writesBefore);
  });

  it('answers 404 NotFound for a missing ConfigMap, creates it (201), then refuses a second create', async () => {
    k8s.removeConfigMap('kube-system', 'aws-auth');
    const api = await core();

    const missing = await api
      .readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' })
      .catch((e: unknown) => e);
    const body = { metadata: { name: 'aws-auth', namespace: 'kube-system' }, data: AWS_AUTH };
    const created = await api.createNamespacedConfigMapWithHttpInfo({ namespace: 'kube-system', body });
    const again = await api.createNamespacedConfigMap({ namespace: 'kube-system', body }).catch((e: unknown) => e);

    expect(statusOf(missing)).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'configmaps "aws-auth" not found',
      details: { name: 'aws-auth', kind: 'configmaps' },
    });
    expect(created.httpStatusCode).toBe(201);
    expect(created.data.metadata?.uid).toBe(k8s.configMap('kube-system', 'aws-auth')?.uid);
    expect(statusOf(again)).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'configmaps "aws-auth" already exists',
    });
  });

  it('refuses to create an object that still carries a resourceVersion (a restored backup must drop it)', async () => {
    const api = await core();
    const body = { metadata: { name: 'restored', namespace: 'kube-system', resourceVersion: '7' }, data: {} };

    const error = await api.createNamespacedConfigMap({ namespace: 'kube-system', body }).catch((e: unknown) => e);

    expect(statusOf(error)).toMatchObject({
      code: 500,
      reason: 'InternalError',
      message: 'Internal error occurred: resourceVersion should not be set on objects to be created',
    });
    expect(k8s.configMap('kube-system', 'restored')).toBeUndefined();
  });

  it('rejects data over 1 MiB (422 Invalid) and a non-string value (400, as the JSON decoder does)', async () => {
    k8s.setConfigMap('kube-system', 'aws-auth', AWS_AUTH);
    const api = await core();
    const read = await api.readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' });

    const tooBig = await api
      .replaceNamespacedConfigMap({
        name: 'aws-auth',
        namespace: 'kube-system',
        body: { ...read, data: { mapRoles: 'a'.repeat(600_000), mapUsers: 'b'.repeat(600_000) } },
      })
      .catch((e: unknown) => e);
    const notAString = await api
      .replaceNamespacedConfigMap({
        name: 'aws-auth',
        namespace: 'kube-system',
        body: { ...read, data: { mapRoles: [{ rolearn: 'x' }] } as unknown as Record<string, string> },
      })
      .catch((e: unknown) => e);

    expect(statusOf(tooBig)).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'ConfigMap "aws-auth" is invalid: []: Too long: must have at most 1048576 bytes',
    });
    expect(statusOf(notAString)).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(String(statusOf(notAString)['message'])).toContain('cannot be handled as a ConfigMap');
    expect(k8s.configMap('kube-system', 'aws-auth')?.data).toEqual(AWS_AUTH);
  });

  it('renders an injected failure as a Status object, without touching state', async () => {
    k8s.setConfigMap('kube-system', 'aws-auth', AWS_AUTH);
    const api = await core();
    const read = await api.readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' });
    k8s.failNext('ReplaceConfigMap', 1, { status: 503 });

    const error = await api
      .replaceNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system', body: { ...read, data: {} } })
      .catch((e: unknown) => e);

    expect(statusOf(error)).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable' });
    expect(k8s.configMap('kube-system', 'aws-auth')?.resourceVersion).toBe(read.metadata?.resourceVersion);
  });
});

describe('Kubernetes API fake: RBAC, reviews and nodes', () => {
  beforeAll(() => {
    k8s.addClusterRoleBinding('eks-access:viewers', 'view', [{ kind: 'Group', name: 'eks-access:view' }]);
    k8s.addRoleBinding('dev', 'alice-edit', 'edit', [{ kind: 'User', name: 'alice' }]);
  });

  const sar = async (spec: V1SubjectAccessReviewSpec) => {
    const api = kubeConfig(await token()).makeApiClient(AuthorizationV1Api);
    const review = await api.createSubjectAccessReview({
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
    });
    return review.status;
  };
  const attrs = (verb: string, resource: string, namespace = 'dev', group = '') => ({
    verb,
    resource,
    namespace,
    group,
  });

  it.each([
    [
      'a bound group reads ConfigMaps in any namespace',
      { groups: ['eks-access:view'], resourceAttributes: attrs('list', 'configmaps', 'prod') },
      true,
    ],
    [
      'a bound group may not delete',
      { groups: ['eks-access:view'], resourceAttributes: attrs('delete', 'configmaps') },
      false,
    ],
    ['view does not read Secrets', { groups: ['eks-access:view'], resourceAttributes: attrs('get', 'secrets') }, false],
    [
      'view does not list nodes',
      { groups: ['eks-access:view'], resourceAttributes: attrs('list', 'nodes', '') },
      false,
    ],
    [
      'group names are case-sensitive',
      { groups: ['EKS-ACCESS:VIEW'], resourceAttributes: attrs('get', 'pods') },
      false,
    ],
    [
      'a RoleBinding to edit allows updates in its namespace',
      { user: 'alice', resourceAttributes: attrs('update', 'deployments', 'dev', 'apps') },
      true,
    ],
    [
      'the RoleBinding does not reach another namespace',
      { user: 'alice', resourceAttributes: attrs('update', 'deployments', 'prod', 'apps') },
      false,
    ],
    ['an unbound user gets nothing', { user: 'mallory', resourceAttributes: attrs('get', 'pods') }, false],
    [
      'system:masters may do anything',
      { user: 'root', groups: ['system:masters'], resourceAttributes: attrs('delete', 'nodes', '') },
      true,
    ],
  ])('answers a SubjectAccessReview from the seeded bindings: %s', async (_case, spec, allowed) => {
    const status = await sar(spec);

    expect(status?.allowed).toBe(allowed);
  });

  it('says which binding allowed a request', async () => {
    const status = await sar({ groups: ['eks-access:view'], resourceAttributes: attrs('get', 'pods') });

    expect(status?.reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "eks-access:viewers" of ClusterRole "view" to Group "eks-access:view"',
    );
  });

  it('creates a ClusterRoleBinding (201), refuses a duplicate (409 AlreadyExists) and lists it', async () => {
    const rbac = kubeConfig(await token()).makeApiClient(RbacAuthorizationV1Api);
    const body = {
      metadata: { name: 'eks-access:editors' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'Group', name: 'eks-access:edit', apiGroup: 'rbac.authorization.k8s.io' }],
    };

    const created = await rbac.createClusterRoleBindingWithHttpInfo({ body });
    const duplicate = await rbac.createClusterRoleBinding({ body }).catch((e: unknown) => e);
    const list = await rbac.listClusterRoleBinding();

    expect(created.httpStatusCode).toBe(201);
    expect(statusOf(duplicate)).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'clusterrolebindings.rbac.authorization.k8s.io "eks-access:editors" already exists',
    });
    expect(list.items.map((binding) => binding.metadata?.name)).toEqual(
      expect.arrayContaining(['cluster-admin', 'eks-access:viewers', 'eks-access:editors']),
    );
    expect(k8s.clusterRoleBinding('eks-access:editors')?.subjects).toEqual(body.subjects);
  });

  it('refuses to change the roleRef of a binding (422 Invalid)', async () => {
    const rbac = kubeConfig(await token()).makeApiClient(RbacAuthorizationV1Api);
    const binding = await rbac.readNamespacedRoleBinding({ name: 'alice-edit', namespace: 'dev' });

    const error = await rbac
      .replaceNamespacedRoleBinding({
        name: 'alice-edit',
        namespace: 'dev',
        body: { ...binding, roleRef: { ...binding.roleRef, name: 'admin' } },
      })
      .catch((e: unknown) => e);

    expect(statusOf(error)).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(String(statusOf(error)['message'])).toContain('cannot change roleRef');
    expect(k8s.roleBinding('dev', 'alice-edit')?.roleRef.name).toBe('edit');
  });

  it('lists RoleBindings per namespace and across all namespaces', async () => {
    k8s.addRoleBinding('prod', 'oncall-view', 'view', [{ kind: 'Group', name: 'oncall' }]);
    const rbac = kubeConfig(await token()).makeApiClient(RbacAuthorizationV1Api);

    const dev = await rbac.listNamespacedRoleBinding({ namespace: 'dev' });
    const all = await rbac.listRoleBindingForAllNamespaces();

    expect(dev.items.map((binding) => binding.metadata?.name)).toEqual(['alice-edit']);
    expect(all.items.map((binding) => `${binding.metadata?.namespace}/${binding.metadata?.name}`)).toEqual([
      'dev/alice-edit',
      'prod/oncall-view',
    ]);
  });

  it('lists nodes with their Ready condition', async () => {
    k8s.addNode('ip-10-0-1-10.eu-west-1.compute.internal');
    k8s.addNode('ip-10-0-1-11.eu-west-1.compute.internal');
    k8s.setNodeReady('ip-10-0-1-11.eu-west-1.compute.internal', false);

    const nodes = await (await core()).listNode();

    const ready = nodes.items.map((node) => [
      node.metadata?.name,
      node.status?.conditions?.find((condition) => condition.type === 'Ready')?.status,
    ]);
    expect(ready).toEqual([
      ['ip-10-0-1-10.eu-west-1.compute.internal', 'True'],
      ['ip-10-0-1-11.eu-west-1.compute.internal', 'False'],
    ]);
  });

  it('answers a SelfSubjectReview with the caller identity and the authenticator extras', async () => {
    const api = kubeConfig(await token({ credentials: SESSION })).makeApiClient(AuthenticationV1Api);

    const review = await api.createSelfSubjectReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });

    expect(review.status?.userInfo).toMatchObject({
      username: SESSION_ARN,
      groups: ['system:authenticated'],
      extra: {
        arn: [SESSION_ARN],
        canonicalArn: [`arn:aws:iam::${ACCOUNT}:role/eks-access-executor`],
        sessionName: ['req-42'],
        accessKeyId: [SESSION.accessKeyId],
      },
    });
    expect(review.status?.userInfo?.uid).toMatch(/^aws-iam-authenticator:111122223333:AROA[A-Z2-7]{17}$/);
  });
});

describe('Kubernetes API fake: calls it does not model', () => {
  it('answers an unknown path 404 Status and a dry run 500, recording both as unexpected', async () => {
    await using fake = await KubernetesApiFake.start({
      clusterName: CLUSTER,
      now: () => clock,
      credentials: { [BOT.accessKeyId]: { secretAccessKey: BOT.secretAccessKey, arn: BOT_ARN } },
    });
    const bearer = await presignEksToken({ clusterName: CLUSTER, credentials: BOT, signingDate: new Date(clock) });
    const config = new KubeConfig();
    config.loadFromClusterAndUser(
      { name: CLUSTER, server: fake.url, caData: fake.caData, skipTLSVerify: false },
      { name: 'bot', token: bearer },
    );
    const api = config.makeApiClient(CoreV1Api);
    const body = { metadata: { name: 'x' }, data: {} };

    const pods = await api.listNamespacedPod({ namespace: 'default' }).catch((e: unknown) => e);
    const dryRun = await api
      .createNamespacedConfigMap({ namespace: 'default', body, dryRun: 'All' })
      .catch((e: unknown) => e);

    expect(statusOf(pods)).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });
    expect((dryRun as ApiException<unknown>).code).toBe(500);
    expect(fake.unexpected.map((call) => [call.method, call.path, call.status])).toEqual([
      ['GET', '/api/v1/namespaces/default/pods', 404],
      ['POST', '/api/v1/namespaces/default/configmaps', 500],
    ]);
    expect(fake.configMap('default', 'x')).toBeUndefined();
  });
});
