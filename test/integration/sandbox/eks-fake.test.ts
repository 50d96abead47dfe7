import { spawn } from 'node:child_process';
import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  DeleteAccessEntryCommand,
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  DescribeUpdateCommand,
  DisassociateAccessPolicyCommand,
  EKSClient,
  type EKSClientConfig,
  InvalidParameterException,
  InvalidRequestException,
  ListAccessEntriesCommand,
  ListAccessPoliciesCommand,
  ListAssociatedAccessPoliciesCommand,
  paginateListAccessEntries,
  ResourceInUseException,
  ResourceNotFoundException,
  ThrottlingException,
  UpdateAccessEntryCommand,
  UpdateClusterConfigCommand,
} from '@aws-sdk/client-eks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EksFake } from '../../../sandbox/aws/eks.ts';
import { accessPolicyArn } from '../../../sandbox/aws/eks-model.ts';
import { IamFake } from '../../../sandbox/aws/iam.ts';
import type { FakeCall } from '../../../sandbox/fake-server.ts';
import { SANDBOX_CREDENTIALS, setEnv } from './aws-env.ts';

const ACCOUNT = '111122223333';
const ROLE_WITH_PATH = `arn:aws:iam::${ACCOUNT}:role/platform/bob-admin`;
const USER = `arn:aws:iam::${ACCOUNT}:user/ops/alice`;
const VIEW = accessPolicyArn('AmazonEKSViewPolicy');
const ADMIN = accessPolicyArn('AmazonEKSClusterAdminPolicy');

let eks: EksFake;
let restoreEnv: () => void;
let clock = Date.UTC(2025, 0, 1, 12, 0, 0);

/** Calls to `op` on one cluster: the fake is shared by the whole file. */
function callsOn(op: string, cluster: string) {
  return eks.callsTo(op).filter((call) => call.path.startsWith(`/clusters/${cluster}/`));
}

function client(config: Partial<EKSClientConfig> = {}): EKSClient {
  // No `endpoint` option: the fake is reached only through AWS_ENDPOINT_URL_EKS.
  return new EKSClient({ region: 'us-east-1', credentials: SANDBOX_CREDENTIALS, ...config });
}

beforeAll(async () => {
  eks = await EksFake.start({ now: () => clock });
  restoreEnv = setEnv({ AWS_ENDPOINT_URL_EKS: eks.url });
});

afterAll(async () => {
  restoreEnv();
  await eks.close();
});

afterEach(() => {
  expect(eks.unexpected).toEqual([]);
});

describe('EKS fake through the real EKSClient', () => {
  it('is reached through AWS_ENDPOINT_URL_EKS and returns DescribeCluster as the SDK parses it', async () => {
    eks.addCluster({ name: 'env-override', createdAt: Date.UTC(2024, 4, 1), authenticationMode: 'API' });
    const eksClient = client();
    expect(eksClient.config.isCustomEndpoint).toBe(false);

    const { cluster } = await eksClient.send(new DescribeClusterCommand({ name: 'env-override' }));

    expect(cluster?.createdAt).toEqual(new Date(Date.UTC(2024, 4, 1)));
    expect(cluster?.accessConfig).toEqual({ authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true });
    expect(cluster?.status).toBe('ACTIVE');
    const [call] = eks.callsTo('DescribeCluster');
    expect(call?.path).toBe('/clusters/env-override');
    expect(call?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIASANDBOXEXAMPLE01\/\d{8}\/us-east-1\/eks\//,
    );
  });

  it('creates, describes, associates, lists and deletes an entry for a path-bearing role ARN', async () => {
    eks.addCluster({ name: 'flow' });
    const eksClient = client();

    const created = await eksClient.send(
      new CreateAccessEntryCommand({
        clusterName: 'flow',
        principalArn: ROLE_WITH_PATH,
        tags: { 'managed-by': 'eks-access' },
      }),
    );
    expect(created.accessEntry?.username).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/bob-admin/{{SessionName}}`);
    expect(created.accessEntry?.type).toBe('STANDARD');
    expect(created.accessEntry?.createdAt).toEqual(new Date(clock));
    expect(created.accessEntry?.accessEntryArn).toMatch(
      new RegExp(`^arn:aws:eks:us-east-1:${ACCOUNT}:access-entry/flow/role/${ACCOUNT}/bob-admin/[0-9a-f-]{36}$`),
    );

    const described = await eksClient.send(
      new DescribeAccessEntryCommand({ clusterName: 'flow', principalArn: ROLE_WITH_PATH }),
    );
    expect(described.accessEntry?.principalArn).toBe(ROLE_WITH_PATH);
    expect(described.accessEntry?.tags).toEqual({ 'managed-by': 'eks-access' });
    // The SDK sends the ARN as one percent-encoded segment; the fake decoded it per segment.
    expect(eks.callsTo('DescribeAccessEntry')[0]?.path).toBe(
      '/clusters/flow/access-entries/arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fplatform%2Fbob-admin',
    );

    const associated = await eksClient.send(
      new AssociateAccessPolicyCommand({
        clusterName: 'flow',
        principalArn: ROLE_WITH_PATH,
        policyArn: VIEW,
        accessScope: { type: 'namespace', namespaces: ['dev-*'] },
      }),
    );
    expect(associated.associatedAccessPolicy?.accessScope).toEqual({ type: 'namespace', namespaces: ['dev-*'] });
    expect(eks.policies('flow', ROLE_WITH_PATH).map((policy) => policy.policyArn)).toEqual([VIEW]);

    const listed = await eksClient.send(
      new ListAssociatedAccessPoliciesCommand({ clusterName: 'flow', principalArn: ROLE_WITH_PATH }),
    );
    expect(listed.associatedAccessPolicies?.map((policy) => policy.policyArn)).toEqual([VIEW]);
    expect(listed.associatedAccessPolicies?.[0]?.associatedAt).toEqual(new Date(clock));

    const updated = await eksClient.send(
      new UpdateAccessEntryCommand({
        clusterName: 'flow',
        principalArn: ROLE_WITH_PATH,
        kubernetesGroups: ['viewers'],
      }),
    );
    expect(updated.accessEntry?.kubernetesGroups).toEqual(['viewers']);

    await eksClient.send(
      new DisassociateAccessPolicyCommand({ clusterName: 'flow', principalArn: ROLE_WITH_PATH, policyArn: VIEW }),
    );
    expect(eks.policies('flow', ROLE_WITH_PATH)).toEqual([]);
    expect(eks.callsTo('DisassociateAccessPolicy')[0]?.path).toContain(
      '/access-policies/arn%3Aaws%3Aeks%3A%3Aaws%3Acluster-access-policy%2FAmazonEKSViewPolicy',
    );

    await eksClient.send(
      new AssociateAccessPolicyCommand({
        clusterName: 'flow',
        principalArn: ROLE_WITH_PATH,
        policyArn: VIEW,
        accessScope: { type: 'cluster' },
      }),
    );
    await eksClient.send(new DeleteAccessEntryCommand({ clusterName: 'flow', principalArn: ROLE_WITH_PATH }));
    expect(eks.entry('flow', ROLE_WITH_PATH)).toBeUndefined();
    const after = await eksClient.send(new ListAccessEntriesCommand({ clusterName: 'flow' }));
    expect(after.accessEntries).toEqual([]);
  });

  it('answers a second create for the same principal with the SDK ResourceInUseException (409)', async () => {
    eks.addCluster({ name: 'conflict' });
    const eksClient = client();
    await eksClient.send(new CreateAccessEntryCommand({ clusterName: 'conflict', principalArn: USER }));

    const error = await eksClient
      .send(new CreateAccessEntryCommand({ clusterName: 'conflict', principalArn: USER }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ResourceInUseException);
    expect(error).toMatchObject({
      name: 'ResourceInUseException',
      message: 'The specified access entry resource is already in use on this cluster.',
      $metadata: { httpStatusCode: 409 },
    });
  });

  it('treats a repeat with the same clientRequestToken and parameters as a retry, and a changed repeat as a conflict', async () => {
    eks.addCluster({ name: 'idempotent' });
    const eksClient = client();
    const input = {
      clusterName: 'idempotent',
      principalArn: USER,
      kubernetesGroups: ['ops'],
      clientRequestToken: 'req-42',
    };

    const first = await eksClient.send(new CreateAccessEntryCommand(input));
    const retry = await eksClient.send(new CreateAccessEntryCommand(input));
    const changed = await eksClient
      .send(new CreateAccessEntryCommand({ ...input, kubernetesGroups: ['admins'] }))
      .catch((e: unknown) => e);

    expect(retry.accessEntry?.accessEntryArn).toBe(first.accessEntry?.accessEntryArn);
    expect(changed).toBeInstanceOf(ResourceInUseException);
    expect(JSON.parse(callsOn('CreateAccessEntry', 'idempotent')[0]?.body ?? '{}')).toMatchObject({
      clientRequestToken: 'req-42',
    });
  });

  it('answers 404 ResourceNotFoundException for an unknown cluster, a missing entry and an association on a missing entry', async () => {
    eks.addCluster({ name: 'empty' });
    const eksClient = client();

    const noCluster = await eksClient.send(new DescribeClusterCommand({ name: 'nope' })).catch((e: unknown) => e);
    const noEntry = await eksClient
      .send(new DescribeAccessEntryCommand({ clusterName: 'empty', principalArn: USER }))
      .catch((e: unknown) => e);
    const noEntryToAssociate = await eksClient
      .send(
        new AssociateAccessPolicyCommand({
          clusterName: 'empty',
          principalArn: USER,
          policyArn: VIEW,
          accessScope: { type: 'cluster' },
        }),
      )
      .catch((e: unknown) => e);

    for (const error of [noCluster, noEntry, noEntryToAssociate]) {
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    }
    expect(noEntry).toMatchObject({
      message: expect.stringContaining('The specified principalArn could not be found'),
    });
  });

  it('refuses every access-entry operation on a CONFIG_MAP cluster with InvalidRequestException', async () => {
    eks.addCluster({ name: 'legacy', authenticationMode: 'CONFIG_MAP' });
    eks.addCluster({ name: 'pre-access-entries', authenticationMode: null });
    const eksClient = client();

    const create = await eksClient
      .send(new CreateAccessEntryCommand({ clusterName: 'legacy', principalArn: USER }))
      .catch((e: unknown) => e);
    const list = await eksClient
      .send(new ListAccessEntriesCommand({ clusterName: 'pre-access-entries' }))
      .catch((e: unknown) => e);
    const described = await eksClient.send(new DescribeClusterCommand({ name: 'pre-access-entries' }));

    for (const error of [create, list]) {
      expect(error).toBeInstanceOf(InvalidRequestException);
      expect(error).toMatchObject({
        message:
          "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.",
        $metadata: { httpStatusCode: 400 },
      });
    }
    expect(described.cluster?.accessConfig).toBeUndefined();
  });

  it('rejects an STS session principal, and a path-less role ARN when IAM knows the role with its path', async () => {
    eks.addCluster({ name: 'principals' });
    const iam = new IamFake(); // only its validator is used: no server needed
    iam.addRole(ROLE_WITH_PATH);
    eks.setPrincipalValidator(iam.principalValidator());
    const eksClient = client();
    try {
      const session = await eksClient
        .send(
          new CreateAccessEntryCommand({
            clusterName: 'principals',
            principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/bob-admin/bob`,
          }),
        )
        .catch((e: unknown) => e);
      const pathless = await eksClient
        .send(
          new CreateAccessEntryCommand({
            clusterName: 'principals',
            principalArn: `arn:aws:iam::${ACCOUNT}:role/bob-admin`,
          }),
        )
        .catch((e: unknown) => e);
      const withPath = await eksClient.send(
        new CreateAccessEntryCommand({ clusterName: 'principals', principalArn: ROLE_WITH_PATH }),
      );

      expect(session).toBeInstanceOf(InvalidParameterException);
      expect(session).toMatchObject({ message: 'The principalArn parameter format is not valid' });
      expect(pathless).toBeInstanceOf(InvalidParameterException);
      expect(pathless).toMatchObject({ message: 'The specified principalArn is invalid: invalid principal.' });
      expect(withPath.accessEntry?.principalArn).toBe(ROLE_WITH_PATH);
    } finally {
      eks.setPrincipalValidator(undefined);
    }
  });

  it('upserts associations, refuses policies on non-STANDARD entries and filters and pages ListAccessEntries', async () => {
    eks.addCluster({ name: 'policies', creatorPrincipalArn: `arn:aws:iam::${ACCOUNT}:role/creator` });
    eks.seedAccessEntry('policies', { principalArn: `arn:aws:iam::${ACCOUNT}:role/nodes`, type: 'EC2_LINUX' });
    const eksClient = client();
    await eksClient.send(new CreateAccessEntryCommand({ clusterName: 'policies', principalArn: USER }));
    const scope = (namespaces: string[]) => ({ type: 'namespace' as const, namespaces });
    await eksClient.send(
      new AssociateAccessPolicyCommand({
        clusterName: 'policies',
        principalArn: USER,
        policyArn: ADMIN,
        accessScope: scope(['a']),
      }),
    );
    clock += 60_000;
    await eksClient.send(
      new AssociateAccessPolicyCommand({
        clusterName: 'policies',
        principalArn: USER,
        policyArn: ADMIN,
        accessScope: scope(['b']),
      }),
    );

    const [association] = eks.policies('policies', USER);
    expect(association?.accessScope).toEqual({ type: 'namespace', namespaces: ['b'] });
    expect(association?.modifiedAt).toBeGreaterThan(association?.associatedAt ?? Number.POSITIVE_INFINITY);

    const nodeError = await eksClient
      .send(
        new AssociateAccessPolicyCommand({
          clusterName: 'policies',
          principalArn: `arn:aws:iam::${ACCOUNT}:role/nodes`,
          policyArn: VIEW,
          accessScope: { type: 'cluster' },
        }),
      )
      .catch((e: unknown) => e);
    expect(nodeError).toBeInstanceOf(InvalidParameterException);
    expect(nodeError).toMatchObject({
      message: 'This operation can only be performed on Access Entries with a type of "STANDARD".',
    });

    const admins = await eksClient.send(
      new ListAccessEntriesCommand({ clusterName: 'policies', associatedPolicyArn: ADMIN }),
    );
    expect(admins.accessEntries).toEqual([`arn:aws:iam::${ACCOUNT}:role/creator`, USER]);

    const pages: string[][] = [];
    for await (const page of paginateListAccessEntries(
      { client: eksClient, pageSize: 2 },
      { clusterName: 'policies' },
    )) {
      pages.push(page.accessEntries ?? []);
    }
    expect(pages).toEqual([[`arn:aws:iam::${ACCOUNT}:role/creator`, `arn:aws:iam::${ACCOUNT}:role/nodes`], [USER]]);
    expect(eks.callsTo('ListAccessEntries').at(-1)?.query).toMatchObject({ maxResults: '2' });

    const policies = await eksClient.send(new ListAccessPoliciesCommand({}));
    expect(policies.accessPolicies?.map((policy) => policy.name)).toContain('AmazonEKSAdminViewPolicy');
  });

  it('moves the authentication mode one step forwards only, completing the update after the configured delay', async () => {
    eks.addCluster({ name: 'modes', authenticationMode: 'CONFIG_MAP' });
    eks.setUpdateDelay(30_000);
    const eksClient = client();
    const update = (authenticationMode: 'CONFIG_MAP' | 'API_AND_CONFIG_MAP' | 'API') =>
      eksClient.send(new UpdateClusterConfigCommand({ name: 'modes', accessConfig: { authenticationMode } }));
    try {
      for (const refused of [
        await update('CONFIG_MAP').catch((e: unknown) => e),
        await update('API').catch((e: unknown) => e),
      ]) {
        expect(refused).toBeInstanceOf(InvalidParameterException);
        expect(refused).toMatchObject({
          message: expect.stringMatching(/^Unsupported authentication mode update from CONFIG_MAP to /),
        });
      }

      const started = await update('API_AND_CONFIG_MAP');
      expect(started.update).toMatchObject({
        status: 'InProgress',
        type: 'AccessConfigUpdate',
        params: [{ type: 'AuthenticationMode', value: 'API_AND_CONFIG_MAP' }],
      });
      const updateId = started.update?.id ?? '';
      expect((await eksClient.send(new DescribeClusterCommand({ name: 'modes' }))).cluster?.status).toBe('UPDATING');
      expect((await eksClient.send(new DescribeUpdateCommand({ name: 'modes', updateId }))).update?.status).toBe(
        'InProgress',
      );

      clock += 30_000;
      expect((await eksClient.send(new DescribeUpdateCommand({ name: 'modes', updateId }))).update?.status).toBe(
        'Successful',
      );
      const cluster = (await eksClient.send(new DescribeClusterCommand({ name: 'modes' }))).cluster;
      expect(cluster?.status).toBe('ACTIVE');
      expect(cluster?.accessConfig?.authenticationMode).toBe('API_AND_CONFIG_MAP');

      const again = await update('API_AND_CONFIG_MAP').catch((e: unknown) => e);
      expect(again).toBeInstanceOf(InvalidParameterException);
      expect((await update('API')).update?.status).toBe('InProgress');
      clock += 30_000;
      const backwards = await update('API_AND_CONFIG_MAP').catch((e: unknown) => e);
      expect(backwards).toMatchObject({
        message: 'Unsupported authentication mode update from API to API_AND_CONFIG_MAP',
      });
    } finally {
      eks.setUpdateDelay(0);
    }
  });

  it('holds a call in flight until released, and only then applies it', async () => {
    eks.addCluster({ name: 'held' });
    const eksClient = client();
    const hold = eks.hold('CreateAccessEntry');

    const pending = eksClient.send(new CreateAccessEntryCommand({ clusterName: 'held', principalArn: USER }));
    await hold.arrived;
    expect(eks.entry('held', USER)).toBeUndefined();
    expect(eks.callsTo('CreateAccessEntry').at(-1)?.status).toBeUndefined();
    hold.release();

    const created = await pending;
    expect(created.accessEntry?.principalArn).toBe(USER);
    expect(eks.entry('held', USER)?.principalArn).toBe(USER);
  });

  it('lets a test SIGKILL a client process while its call is held, then apply the call the client never saw answered', async () => {
    eks.addCluster({ name: 'killed' });
    const hold = eks.hold('CreateAccessEntry');
    const script = `
      const { EKSClient, CreateAccessEntryCommand } = require('@aws-sdk/client-eks');
      new EKSClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIAWORKER', secretAccessKey: 'x' } })
        .send(new CreateAccessEntryCommand({ clusterName: 'killed', principalArn: '${USER}' }));`;
    const worker = spawn(process.execPath, ['-e', script], {
      cwd: process.cwd(),
      env: { ...process.env },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => worker.once('exit', (_code, signal) => resolve(signal)));

    await hold.arrived;
    worker.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const call = await eks.waitForCall((c) => c.path === '/clusters/killed/access-entries' && c.isAborted === true);
    expect(eks.entry('killed', USER)).toBeUndefined();
    hold.release();

    await eks.waitForCall((c) => c === call && c.status === 200);
    expect(eks.entry('killed', USER)?.principalArn).toBe(USER);
  });

  it('keeps an SDK retry after a client timeout idempotent: the held original and the retry share one token', async () => {
    eks.addCluster({ name: 'timeout' });
    // On this SDK version requestTimeout alone only logs a warning; throwOnRequestTimeout makes it abort and retry.
    const eksClient = client({ requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true }, maxAttempts: 3 });
    const hold = eks.hold('CreateAccessEntry');

    const pending = eksClient.send(new CreateAccessEntryCommand({ clusterName: 'timeout', principalArn: USER }));
    await hold.arrived;
    const isRetry = (call: FakeCall) => call.path === '/clusters/timeout/access-entries' && call.status === 200;
    await eks.waitForCall(isRetry, 5_000); // the SDK timed out, retried, and the retry was applied
    hold.release(); // the original now arrives second, with the same token and parameters

    const created = await pending;
    const [original, retry] = callsOn('CreateAccessEntry', 'timeout');
    expect(created.accessEntry?.principalArn).toBe(USER);
    expect(JSON.parse(original?.body ?? '{}').clientRequestToken).toBe(
      JSON.parse(retry?.body ?? '{}').clientRequestToken,
    );
    await eks.waitForCall((call) => call === original && call.status === 200, 2_000);
    expect(original?.isAborted).toBe(true);
  });

  it('renders injected failures so the SDK retries a ServerException and surfaces a ThrottlingException', async () => {
    eks.addCluster({ name: 'flaky' });
    const before = eks.callsTo('DescribeCluster').length;
    eks.failNext('DescribeCluster', 1, { status: 500, code: 'ServerException', message: 'boom' });

    const { cluster } = await client().send(new DescribeClusterCommand({ name: 'flaky' }));
    expect(cluster?.name).toBe('flaky');
    expect(
      eks
        .callsTo('DescribeCluster')
        .slice(before)
        .map((call) => call.status),
    ).toEqual([500, 200]);

    eks.failNext('DescribeCluster', 1, { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' });
    const throttled = await client({ maxAttempts: 1 })
      .send(new DescribeClusterCommand({ name: 'flaky' }))
      .catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled).toMatchObject({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
  });
});

describe('EKS fake without the SDK', () => {
  it('answers 403 without an Authorization header and records unrouted calls as unexpected with 501', async () => {
    await using fake = await EksFake.start();
    fake.addCluster({ name: 'raw' });

    const unsigned = await fetch(`${fake.url}/clusters/raw`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');

    const unrouted = await fetch(`${fake.url}/clusters/raw/node-groups`, { headers: { authorization: 'x' } });
    expect(unrouted.status).toBe(501);
    expect(fake.unexpected.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /clusters/raw/node-groups']);
  });
});
