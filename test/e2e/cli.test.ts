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
});
