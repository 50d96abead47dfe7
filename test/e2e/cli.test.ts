import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnBot } from '../support/bot-process.ts';

const BASE_ENV = { PATH: process.env['PATH'] };

describe('the eks-access CLI', () => {
  it('exits 1 with one message naming every missing variable and what it is for', async () => {
    const bot = spawnBot(['web'], BASE_ENV);

    const code = await bot.exited;

    expect(code).toBe(1);
    const output = bot.output();
    expect(output).toContain('SLACK_BOT_TOKEN is missing: the bot token');
    expect(output).toContain('SLACK_SIGNING_SECRET is missing: the signing secret');
    expect(output).toContain('REDIS_URL is missing');
    expect(output.match(/eks-access cannot start/g)).toHaveLength(1);
  });

  it('exits 1 naming the key path of a bad config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-access-cli-'));
    const file = join(dir, 'eks-access.yaml');
    writeFileSync(file, 'clusters:\n  - name: prod\n    region: nowhere\n    accountId: 12\n    approvers: []\n');
    const bot = spawnBot(['web'], {
      ...BASE_ENV,
      SLACK_BOT_TOKEN: 'xoxb-x',
      SLACK_SIGNING_SECRET: 'y',
      REDIS_URL: 'redis://127.0.0.1:1',
      EKS_ACCESS_CONFIG: file,
    });

    const code = await bot.exited;

    expect(code).toBe(1);
    expect(bot.output()).toContain('clusters[0].region');
    expect(bot.output()).toContain('clusters[0].accountId');
    expect(bot.output()).toContain('clusters[0].approvers');
    expect(bot.output()).not.toContain('xoxb-x');
  });

  it('prints usage with --help and refuses unknown commands', async () => {
    const help = spawnBot(['--help'], BASE_ENV);
    const unknown = spawnBot(['frobnicate'], BASE_ENV);

    expect(await help.exited).toBe(0);
    expect(await unknown.exited).toBe(2);
    expect(help.output()).toContain('eks-access worker');
    expect(unknown.output()).toContain('Unknown command "frobnicate"');
  });
  it('answers --help for every command without Redis, AWS or Slack settings, and never starts anything', async () => {
    const cases: [string[], string][] = [
      [['start', '--help'], 'Usage: eks-access start'],
      [['web', '--help'], 'Usage: eks-access web'],
      [['worker', '-h'], 'Usage: eks-access worker'],
      [['demo', '--help'], 'Usage: eks-access demo'],
      [['aws-auth', '--help'], 'eks-access aws-auth history'],
      [['aws-auth', 'history', '--help'], 'eks-access aws-auth restore'],
      [['doctor', '--help'], 'eks-access doctor'],
      [['audit', '--help'], 'eks-access audit'],
      [['config', '--help'], 'eks-access config check'],
    ];
    const runs = cases.map(([args]) => spawnBot(args, BASE_ENV));
    for (const [i, [args, expected]] of cases.entries()) {
      const run = runs[i];
      if (!run) throw new Error('no process');
      expect(await run.exited, args.join(' ')).toBe(0);
      expect(run.output(), args.join(' ')).toContain(expected);
      expect(run.output(), args.join(' ')).not.toContain('is missing');
    }
  });

  it('prints its version, and suggests the closest command or option for a typo', async () => {
    const version = spawnBot(['--version'], BASE_ENV);
    const typo = spawnBot(['doctr'], BASE_ENV);
    const option = spawnBot(['doctor', '--clustr', 'prod'], BASE_ENV);
    const sub = spawnBot(['aws-auth', 'histroy', '--cluster', 'prod'], BASE_ENV);

    expect(await version.exited).toBe(0);
    expect(version.output()).toMatch(/^eks-access \d+\.\d+\.\d+ \(Node \d+/);
    expect(await typo.exited).toBe(2);
    expect(typo.output()).toContain('Did you mean doctor?');
    expect(await option.exited).toBe(64);
    expect(option.output()).toContain('Did you mean --cluster?');
    expect(await sub.exited).toBe(64);
    expect(sub.output()).toContain('Did you mean history?');
  });
  it('reports missing variables and config-file problems together, in one message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-access-cli-'));
    const file = join(dir, 'eks-access.yaml');
    writeFileSync(file, 'clusters:\n  - name: prod\n    region: us-east-1\n    accountId: 111122223333\n');
    const bot = spawnBot(['web'], { ...BASE_ENV, EKS_ACCESS_CONFIG: file });

    expect(await bot.exited).toBe(1);
    const output = bot.output();
    expect(output.match(/eks-access cannot start/g)).toHaveLength(1);
    expect(output).toContain('SLACK_BOT_TOKEN is missing');
    expect(output).toContain('clusters[0].approvers is missing');
    expect(output).toContain('accountId must be quoted');
  });
});
