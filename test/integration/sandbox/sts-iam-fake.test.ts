import { GetRoleCommand, GetUserCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IamFake } from '../../../sandbox/aws/iam.ts';
import { StsFake } from '../../../sandbox/aws/sts.ts';
import { SANDBOX_CREDENTIALS, setEnv } from './aws-env.ts';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/platform/eks-access-target`;
const CALLER = {
  account: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:user/bots/eks-access`,
  userId: 'AIDASANDBOXCALLER0001',
};

let sts: StsFake;
let iam: IamFake;
let restoreEnv: () => void;
let clock = Date.UTC(2025, 0, 1, 12, 0, 0);

beforeAll(async () => {
  sts = await StsFake.start({
    identities: { [SANDBOX_CREDENTIALS.accessKeyId]: CALLER },
    allowedRoleArns: [ROLE],
    now: () => clock,
  });
  iam = await IamFake.start({ now: () => clock });
  restoreEnv = setEnv({ AWS_ENDPOINT_URL_STS: sts.url, AWS_ENDPOINT_URL_IAM: iam.url });
});

afterAll(async () => {
  restoreEnv();
  await Promise.all([sts.close(), iam.close()]);
});

afterEach(() => {
  expect(sts.unexpected).toEqual([]);
  expect(iam.unexpected).toEqual([]);
});

describe('STS fake through the real STSClient', () => {
  it('identifies the caller by the access key id in the SigV4 header', async () => {
    const identity = await new STSClient({ region: 'us-east-1', credentials: SANDBOX_CREDENTIALS }).send(
      new GetCallerIdentityCommand({}),
    );

    expect(identity).toMatchObject({ Account: ACCOUNT, Arn: CALLER.arn, UserId: CALLER.userId });
    const [call] = sts.callsTo('GetCallerIdentity');
    expect(call?.body).toBe('Action=GetCallerIdentity&Version=2011-06-15');
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('assumes a role, and the issued credentials then identify as the assumed role', async () => {
    const assumed = await new STSClient({ region: 'us-east-1', credentials: SANDBOX_CREDENTIALS }).send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'eks-access-req-1', DurationSeconds: 900 }),
    );

    const credentials = assumed.Credentials;
    expect(credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(credentials?.Expiration).toEqual(new Date(clock + 900_000));
    expect(assumed.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/eks-access-target/eks-access-req-1`,
    );
    expect(assumed.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:eks-access-req-1$/);
    expect(sts.callsTo('AssumeRole')[0]?.body).toContain(`RoleArn=${encodeURIComponent(ROLE)}`);

    const asRole = new STSClient({
      region: 'us-east-1',
      credentials: {
        accessKeyId: credentials?.AccessKeyId ?? '',
        secretAccessKey: credentials?.SecretAccessKey ?? '',
        sessionToken: credentials?.SessionToken ?? '',
      },
    });
    const identity = await asRole.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(assumed.AssumedRoleUser?.Arn);
    expect(identity.UserId).toBe(assumed.AssumedRoleUser?.AssumedRoleId);

    clock += 900_000;
    const expired = await asRole.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    expect(expired).toMatchObject({ name: 'ExpiredToken', $metadata: { httpStatusCode: 403 } });
  });

  it('refuses a role outside the allow-list with 403 AccessDenied in an XML ErrorResponse', async () => {
    const other = `arn:aws:iam::${ACCOUNT}:role/not-allowed`;
    const error = await new STSClient({ region: 'us-east-1', credentials: SANDBOX_CREDENTIALS })
      .send(new AssumeRoleCommand({ RoleArn: other, RoleSessionName: 'nope' }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(STSServiceException);
    expect(error).toMatchObject({
      name: 'AccessDenied',
      message: `User: ${CALLER.arn} is not authorized to perform: sts:AssumeRole on resource: ${other}`,
      $metadata: { httpStatusCode: 403 },
    });
  });
});

describe('IAM fake through the real IAMClient', () => {
  it('returns a role with its path, unique id and creation date', async () => {
    const created = Date.UTC(2024, 1, 2, 3, 4, 5);
    const seeded = iam.addRole(ROLE, { createDate: created, assumeRolePolicyDocument: '{"Version":"2012-10-17"}' });

    const { Role } = await new IAMClient({ region: 'us-east-1', credentials: SANDBOX_CREDENTIALS }).send(
      new GetRoleCommand({ RoleName: 'eks-access-target' }),
    );

    expect(Role).toMatchObject({ Arn: ROLE, Path: '/platform/', RoleName: 'eks-access-target', RoleId: seeded.roleId });
    expect(Role?.CreateDate).toEqual(new Date(created));
    expect(Role?.AssumeRolePolicyDocument).toBe(encodeURIComponent('{"Version":"2012-10-17"}'));
    expect(seeded.roleId).toMatch(/^AROA[A-Z2-7]{17}$/);
  });

  it('returns a user with its path', async () => {
    iam.addUser(`arn:aws:iam::${ACCOUNT}:user/ops/alice`);

    const { User } = await new IAMClient({ region: 'us-east-1', credentials: SANDBOX_CREDENTIALS }).send(
      new GetUserCommand({ UserName: 'alice' }),
    );

    expect(User).toMatchObject({ Arn: `arn:aws:iam::${ACCOUNT}:user/ops/alice`, Path: '/ops/', UserName: 'alice' });
    expect(User?.UserId).toMatch(/^AIDA/);
  });

  it('answers a missing role with 404 NoSuchEntity, which the SDK raises as NoSuchEntityException', async () => {
    const error = await new IAMClient({ region: 'us-east-1', credentials: SANDBOX_CREDENTIALS })
      .send(new GetRoleCommand({ RoleName: 'ghost' }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name ghost cannot be found.',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('renders an injected throttle so the SDK retries it', async () => {
    iam.addRole(`arn:aws:iam::${ACCOUNT}:role/busy`);
    iam.failNext('GetRole', 1, { status: 400, code: 'Throttling', message: 'Rate exceeded' });

    const { Role } = await new IAMClient({ region: 'us-east-1', credentials: SANDBOX_CREDENTIALS }).send(
      new GetRoleCommand({ RoleName: 'busy' }),
    );

    expect(Role?.RoleName).toBe('busy');
    expect(
      iam
        .callsTo('GetRole')
        .slice(-2)
        .map((call) => call.status),
    ).toEqual([400, 200]);
  });
});
