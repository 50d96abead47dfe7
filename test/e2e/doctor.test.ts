import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnBot } from '../support/bot-process.ts';
import { ARNS, type E2eSandbox, startE2eSandbox } from '../support/e2e-sandbox.ts';

const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
let sandbox: E2eSandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
  sandbox.eks.seedAccessEntry('prod-cluster', { principalArn: ARNS.alice, policies: [{ policyArn: VIEW }] });
});

afterAll(async () => {
  await sandbox?.close();
});

async function doctor(...args: string[]): Promise<{ code: number | string; output: string; stdout: string }> {
  const run = spawnBot(['doctor', ...args], sandbox.env);
  const code = await run.exited;
  return { code, output: run.output(), stdout: run.stdout() };
}

describe('eks-access doctor, in the terminal', () => {
  it('exits 1 and explains the aws-auth mistake for a role written with its path', async () => {
    const { code, output } = await doctor('--cluster', 'legacy-cluster', '--arn', ARNS.carolSession);

    expect(code).toBe(1);
    expect(output).toContain('✗');
    expect(output).toContain('rolearn: arn:aws:iam::111122223333:role/carol-role');
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
