import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnBot } from '../support/bot-process.ts';
import { type E2eSandbox, startE2eSandbox } from '../support/e2e-sandbox.ts';

const dir = mkdtempSync(join(tmpdir(), 'eks-access-config-check-'));
let sandbox: E2eSandbox;
beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Only what `config check` needs: the AWS fakes' endpoints and credentials, no Slack, no Redis. */
function awsEnv(): NodeJS.ProcessEnv {
  const { SLACK_BOT_TOKEN: _t, SLACK_SIGNING_SECRET: _s, REDIS_URL: _r, ...env } = sandbox.env;
  return env;
}

describe('eks-access config check', () => {
  it('--help lists every command with examples', async () => {
    const help = spawnBot(['--help'], { PATH: process.env['PATH'] });

    expect(await help.exited).toBe(0);
    for (const command of ['start', 'web', 'worker', 'demo', 'doctor', 'audit', 'aws-auth', 'config check']) {
      expect(help.output()).toContain(`eks-access ${command}`);
    }
    expect(help.output()).toContain('Examples:');
  });

  it('exits 1 naming each bad key by its path, and 0 for a valid file', async () => {
    const bad = file(
      'bad.yaml',
      'clusters:\n  - name: prod\n    region: nowhere\n    accountId: 12\n    approvers: []\n',
    );
    const good = file(
      'good.yaml',
      'clusters:\n  - name: prod\n    region: us-east-1\n    accountId: "111122223333"\n    approvers: [U0APPROVER1]\n',
    );

    const badRun = spawnBot(['config', 'check', '--file', bad], awsEnv());
    const goodRun = spawnBot(['config', 'check', '--file', good], awsEnv());

    expect(await badRun.exited).toBe(1);
    expect(badRun.output()).toContain('clusters[0].region');
    expect(badRun.output()).toContain('clusters[0].accountId');
    expect(await goodRun.exited).toBe(0);
    expect(goodRun.output()).toContain('valid, 1 cluster(s)');
  });

  it('--online: every sandbox cluster is described (through the executor role where set) and reachable', async () => {
    const run = spawnBot(['config', 'check', '--online'], awsEnv());

    expect(await run.exited).toBe(0);
    for (const name of ['prod-cluster', 'staging', 'legacy-cluster', 'old-cluster']) {
      expect(run.output()).toMatch(
        new RegExp(`✓ ${name} \\([a-z0-9-]+\\): ACTIVE, [A-Z_]+, https://127\\.0\\.0\\.1:\\d+ reachable`),
      );
    }
    expect(sandbox.sts.callsTo('AssumeRole').length).toBeGreaterThanOrEqual(1);
  });

  it('--online exits 1 naming a cluster the identity cannot describe', async () => {
    const config = file(
      'ghost.yaml',
      'clusters:\n  - name: prod-cluster\n    region: us-east-1\n    accountId: "111122223333"\n    approvers: [U0A]\n' +
        '  - name: ghost-cluster\n    region: us-east-1\n    accountId: "111122223333"\n    approvers: [U0A]\n',
    );

    const run = spawnBot(['config', 'check', '--file', config, '--online'], awsEnv());

    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/✓ prod-cluster/);
    expect(run.output()).toMatch(/✗ ghost-cluster \(us-east-1\): DescribeCluster failed: aws_not_found/);
  });
});
