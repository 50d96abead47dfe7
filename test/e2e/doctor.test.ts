import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CredentialRejection, credentialRejection } from '../../sandbox/aws/credential-rejection.ts';
import { spawnBot } from '../support/bot-process.ts';
import { ARNS, type E2eSandbox, EXECUTOR_ROLE, startE2eSandbox } from '../support/e2e-sandbox.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
let sandbox: E2eSandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
  sandbox.eks.seedAccessEntry('prod-cluster', { principalArn: ARNS.alice, policies: [{ policyArn: VIEW }] });
});

const homes: string[] = [];

afterAll(async () => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
  await sandbox?.close();
});

async function doctor(...args: string[]) {
  return await doctorWith(sandbox.env, ...args);
}

async function doctorWith(
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<{ code: number | string; output: string; stdout: string; lines: string[] }> {
  const run = spawnBot(['doctor', ...args], env);
  const code = await run.exited;
  return { code, output: run.output(), stdout: run.stdout(), lines: run.stdout().split('\n') };
}

/** Every AWS fake refuses this key the way its protocol does (STS/IAM awsQuery, EKS restJson1, CloudTrail JSON). */
function rejectKey(accessKeyId: string, kind: CredentialRejection): void {
  sandbox.sts.rejectAccessKey(accessKeyId, credentialRejection('awsQuery', kind));
  sandbox.iam.rejectAccessKey(accessKeyId, credentialRejection('awsQuery', kind));
  sandbox.eks.rejectAccessKey(accessKeyId, credentialRejection('restJson1', kind));
  sandbox.cloudtrail.rejectAccessKey(accessKeyId, credentialRejection('awsJson1_1', kind));
}

/** The sandbox env with other credentials: keys (or none) and a HOME of its own with these AWS shared files. */
function envWith(options: {
  key?: { id: string; secret: string; sessionToken?: string };
  profile?: string;
  files?: { config?: string; credentials?: string };
}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'eks-access-doctor-home-'));
  homes.push(home);
  mkdirSync(join(home, '.aws'));
  if (options.files?.config) writeFileSync(join(home, '.aws', 'config'), options.files.config);
  if (options.files?.credentials) writeFileSync(join(home, '.aws', 'credentials'), options.files.credentials);
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...rest } = sandbox.env;
  return {
    ...rest,
    HOME: home,
    ...(options.key
      ? {
          AWS_ACCESS_KEY_ID: options.key.id,
          AWS_SECRET_ACCESS_KEY: options.key.secret,
          ...(options.key.sessionToken ? { AWS_SESSION_TOKEN: options.key.sessionToken } : {}),
        }
      : {}),
    ...(options.profile ? { AWS_PROFILE: options.profile } : {}),
  };
}

const SSO_PROFILE = `[profile dev-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Developer
region = eu-west-1
`;

/** The checks doctor lists when nothing could be read, each with why. */
const ALL_CHECKS = [
  'Cluster found and ACTIVE',
  'Authentication mode',
  'IAM principal exists',
  'Access entry exists',
  'aws-auth maps the principal',
  'Cluster creator',
];

describe('eks-access doctor, in the terminal', () => {
  it('exits 1 and explains the aws-auth mistake for a role written with its path', async () => {
    const { code, output } = await doctor('--cluster', 'legacy-cluster', '--arn', ARNS.carolSession);

    expect(code).toBe(1);
    expect(output).toContain('✗');
    expect(output).toContain('rolearn: arn:aws:iam::111122223333:role/carol-role');
  });

  it('exits 1 when the entry maps a group no binding names, and gives the binding to add (issue 19)', async () => {
    sandbox.eks.seedAccessEntry('staging', { principalArn: ARNS.dave, kubernetesGroups: ['dev-team'] });

    const { code, output } = await doctor('--cluster', 'staging', '--arn', ARNS.dave);

    expect(code).toBe(1);
    expect(output).toContain('No RoleBinding/ClusterRoleBinding names group dev-team');
    expect(output).toContain(
      "kubectl create clusterrolebinding eks-access-dev-team --clusterrole=view --group='dev-team'",
    );
    expect(output).toContain('✗ RBAC binds the username or a group');
  });

  it('exits 0 when access should work, with the same findings as JSON', async () => {
    const text = await doctor('--cluster', 'prod', '--arn', ARNS.alice);
    const json = await doctor('--cluster', 'prod', '--arn', ARNS.alice, '--json');

    expect(text.code).toBe(0);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { verdict: string; cluster: { name: string }; checks: unknown[] };
    expect(parsed.verdict).toBe('ok');
    expect(parsed.cluster.name).toBe('prod-cluster');
    expect(parsed.checks.length).toBeGreaterThan(3);
  });

  it('without --arn checks the identity this shell’s AWS credentials resolve to', async () => {
    const { code, output } = await doctor('--cluster', 'staging');

    expect(code).toBe(1);
    expect(output).toContain('arn:aws:iam::111122223333:user/sandbox');
  });

  it.each([
    [['--arn', ARNS.alice], '--cluster is required'],
    [['--cluster', 'nope-cluster'], "I don't know a cluster called nope-cluster"],
    [['--cluster', 'prod', '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j as a usage error (exit 64)', async (args, message) => {
    const { code, output } = await doctor(...args);

    expect(code).toBe(64);
    expect(output).toContain(message);
  });
});

describe('eks-access doctor, for the person who is locked out', () => {
  it('an expired session: says so first, with the fix, lists every check as not run, and exits 3', async () => {
    const key = 'ASIAEXPIREDSESSION01';
    rejectKey(key, 'expired');
    const env = envWith({ key: { id: key, secret: 'expired-secret-not-real', sessionToken: 'expired-token' } });

    const { code, lines, stdout } = await doctorWith(env, '--cluster', 'staging');

    expect(code).toBe(3);
    expect(lines.slice(0, 3)).toEqual([
      'Credentials: REJECTED by AWS (ExpiredToken), from the default credential chain (AWS_ACCESS_KEY_ID in the environment)',
      'The access key in AWS_ACCESS_KEY_ID belongs to a session that has expired.',
      'Fix: unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN; aws configure',
    ]);
    expect(stdout).toContain('UNKNOWN: Nothing was checked: AWS rejected your credentials (ExpiredToken)');
    for (const check of ALL_CHECKS) {
      expect(stdout).toContain(`? ${check}: not checked: AWS rejected the credentials (ExpiredToken)`);
    }
    // The checks already say why each did not run; no second list repeats them.
    expect(stdout).not.toContain('Not checked:');
    // Nothing else was tried with credentials AWS had refused.
    expect(sandbox.eks.calls.filter((c) => c.headers.authorization?.includes(key))).toEqual([]);
  });

  it('an unknown key in a profile: names the profile and the fix, also as JSON, and exits 3', async () => {
    const key = 'AKIAUNKNOWNKEY000001';
    rejectKey(key, 'unknown_key');
    const env = envWith({
      profile: 'ops',
      files: { credentials: `[ops]\naws_access_key_id = ${key}\naws_secret_access_key = not-a-real-secret\n` },
    });

    const text = await doctorWith(env, '--cluster', 'staging', '--arn', ARNS.alice);
    const json = await doctorWith(env, '--cluster', 'staging', '--arn', ARNS.alice, '--json');

    expect(text.code).toBe(3);
    expect(text.lines.slice(0, 3)).toEqual([
      'Credentials: REJECTED by AWS (InvalidClientTokenId), from profile ops (AWS_PROFILE)',
      'AWS does not know the access key of profile ops (deleted, deactivated, or the wrong secret).',
      'Fix: aws configure --profile ops',
    ]);
    expect(json.code).toBe(3);
    const parsed = JSON.parse(json.stdout) as {
      credentials: { rejected: string; profile: string; fixCommand: string };
      checks: { label: string; result: string; detail: string }[];
      notChecked: { what: string; why: string }[];
      identity: { given: string };
    };
    expect(parsed.credentials).toMatchObject({
      rejected: 'InvalidClientTokenId',
      profile: 'ops',
      fixCommand: 'aws configure --profile ops',
    });
    expect(parsed.identity.given).toBe(ARNS.alice);
    expect(parsed.checks.map((c) => c.label)).toEqual(ALL_CHECKS);
    expect(parsed.checks.every((c) => c.result === 'unknown' && c.detail.includes('InvalidClientTokenId'))).toBe(true);
    expect(parsed.notChecked.map((n) => n.what)).toEqual([
      'cluster',
      'IAM principal',
      'access entries',
      'aws-auth',
      'cluster creator',
    ]);
    expect(parsed.notChecked[0]?.why).toBe(
      'not read: AWS rejected the credentials (InvalidClientTokenId on sts:GetCallerIdentity)',
    );
  });

  it.each([
    [
      'no credentials at all',
      () => envWith({}),
      [
        'Credentials: REJECTED by AWS (CredentialsProviderError), from the default credential chain (AWS_PROFILE not set)',
        'No AWS credentials were found: AWS_PROFILE is not set and there are no keys or default profile.',
        'Fix: aws configure',
      ],
    ],
    [
      'a profile that does not exist',
      () => envWith({ profile: 'prod-typo', files: { config: SSO_PROFILE } }),
      [
        'Credentials: REJECTED by AWS (CredentialsProviderError), from profile prod-typo (AWS_PROFILE)',
        'AWS_PROFILE=prod-typo names a profile that is in neither ~/.aws/config nor ~/.aws/credentials.',
        'Fix: export AWS_PROFILE=dev-sso',
      ],
    ],
    [
      'an SSO profile without a live session',
      () => envWith({ profile: 'dev-sso', files: { config: SSO_PROFILE } }),
      [
        'Credentials: REJECTED by AWS (CredentialsProviderError), from profile dev-sso (AWS_PROFILE, SSO)',
        'The SSO session of profile dev-sso has expired (or you have not logged in yet).',
        'Fix: aws sso login --profile dev-sso',
      ],
    ],
  ])('%s: says so first with the command that fixes it, and exits 3', async (_name, env, firstLines) => {
    const { code, lines, stdout } = await doctorWith(env(), '--cluster', 'staging');

    expect(code).toBe(3);
    expect(lines.slice(0, 3)).toEqual(firstLines);
    expect(stdout).toContain('Checks:\n  ? Cluster found and ACTIVE: not checked: AWS rejected the credentials');
  });

  it('a 401 from the cluster with working AWS credentials: the lock-out first, the other checks still run, exit 1', async () => {
    const key = 'AKIAALICELOCKEDOUT01';
    sandbox.sts.setIdentity(key, { account: '111122223333', arn: ARNS.alice, userId: 'AIDAALICELOCKEDOUT01' });
    const env = envWith({ key: { id: key, secret: 'alice-secret-not-real' } });

    const { code, lines, stdout } = await doctorWith(env, '--cluster', 'staging');
    const json = await doctorWith(env, '--cluster', 'staging', '--json');

    expect(code).toBe(1);
    expect(lines[0]).toBe(
      `Credentials: ${ARNS.alice} (account 111122223333), from the default credential chain (AWS_ACCESS_KEY_ID in the environment)`,
    );
    expect(stdout).toContain(
      `PROBLEM: Your identity ${ARNS.alice} is not authorized on staging: the cluster answered 401 to its token. This is the lock-out`,
    );
    expect(stdout).toContain('✓ Authentication mode: API_AND_CONFIG_MAP');
    expect(stdout).toContain(`✗ Access entry exists: none for ${ARNS.alice}`);
    expect(stdout).toContain(`✓ IAM principal exists: ${ARNS.alice}`);
    expect(stdout).toMatch(/✓ Cluster creator: .*cluster-creator/);
    expect(stdout).toContain(
      `  - aws-auth: not read: the cluster answered 401 (Unauthorized) to your token (${ARNS.alice})`,
    );
    expect(stdout).toContain('1. [BLOCKER] Your identity');
    expect(stdout).toContain(
      'eks-access doctor --cluster staging --role-arn arn:aws:iam::111122223333:role/<admin-role>',
    );
    expect(stdout).toContain('Ask eks-access in Slack');
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as {
      findings: { rule: string }[];
      notChecked: { what: string; why: string }[];
      credentials: { callerArn: string };
    };
    expect(parsed.findings[0]?.rule).toBe('cluster-refused-reader');
    // The RBAC bindings come from the same cluster API, so the 401 leaves them unread too (issue 19).
    expect(parsed.notChecked).toEqual([
      { what: 'aws-auth', why: `not read: the cluster answered 401 (Unauthorized) to your token (${ARNS.alice})` },
      {
        what: 'RBAC bindings',
        why: `not read: the cluster answered 401 (Unauthorized) to your token (${ARNS.alice})`,
      },
    ]);
    expect(parsed.credentials.callerArn).toBe(ARNS.alice);
  });

  it('--role-arn reads the cluster as that role: aws-auth is read and the lock-out is explained from it', async () => {
    const key = 'AKIAALICEWITHROLE001';
    sandbox.sts.setIdentity(key, { account: '111122223333', arn: ARNS.alice, userId: 'AIDAALICEWITHROLE001' });
    const env = envWith({ key: { id: key, secret: 'alice-secret-not-real' } });

    const { code, lines, stdout } = await doctorWith(env, '--cluster', 'staging', '--role-arn', EXECUTOR_ROLE);

    expect(code).toBe(1);
    expect(lines.slice(0, 2)).toEqual([
      `Credentials: ${ARNS.alice} (account 111122223333), from the default credential chain (AWS_ACCESS_KEY_ID in the environment)`,
      `Cluster reads: as ${EXECUTOR_ROLE} (assumed, with --role-arn)`,
    ]);
    expect(stdout).toContain('✗ aws-auth maps the principal: no item matches');
    expect(stdout).not.toContain('Not checked:');
    expect(stdout).not.toContain('cluster-refused-reader');
  });

  it('AccessDenied on one EKS call: that check is listed with the call and the error, the rest still run', async () => {
    sandbox.eks.failNext('ListAccessEntries', 1, {
      status: 403,
      code: 'AccessDeniedException',
      message: 'User is not authorized to perform: eks:ListAccessEntries',
    });

    const { code, lines, stdout } = await doctor('--cluster', 'staging', '--arn', ARNS.alice);

    expect(code).toBe(2);
    expect(lines[0]).toBe(
      'Credentials: arn:aws:iam::111122223333:user/sandbox (account 111122223333), from the default credential chain (AWS_ACCESS_KEY_ID in the environment)',
    );
    expect(stdout).toContain('? Access entry exists: the access-entry look-up failed: AccessDeniedException');
    expect(stdout).toContain(
      'Not checked:\n  - access entries: not read: AccessDeniedException on eks:ListAccessEntries',
    );
    expect(stdout).toContain('✓ Cluster found and ACTIVE: ACTIVE');
    expect(stdout).toMatch(/[✓✗] aws-auth maps the principal/);
  });
});
