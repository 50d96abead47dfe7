import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnBot } from '../support/bot-process.ts';
import { freePort } from '../support/free-port.ts';

// Start-up with the Sentinel and Cluster variables: a clear refusal before anything runs. The topologies themselves
// run in test/faults/redis-sentinel.test.ts and test/faults/redis-cluster.test.ts.
const dir = mkdtempSync(join(tmpdir(), 'eks-access-redis-topology-'));
const configPath = join(dir, 'eks-access.yaml');
writeFileSync(
  configPath,
  'clusters:\n  - name: prod-cluster\n    region: us-east-1\n    accountId: "111122223333"\n    approvers: [U0APPROVER1]\n',
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function env(extra: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  return {
    PATH: process.env['PATH'],
    HOME: dir,
    SLACK_BOT_TOKEN: 'xoxb-redis-topology-test',
    SLACK_SIGNING_SECRET: 'redis-topology-signing-secret',
    EKS_ACCESS_CONFIG: configPath,
    PORT: String(await freePort()),
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

describe('choosing the Redis topology at start-up', () => {
  it('refuses two topologies at once, naming both, and exits 1', async () => {
    const bot = spawnBot(
      ['web'],
      await env({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_SENTINELS: '127.0.0.1:2', REDIS_SENTINEL_NAME: 'mymaster' }),
    );

    expect(await bot.exited).toBe(1);
    expect(bot.output()).toContain('REDIS_URL and REDIS_SENTINELS are all set: set exactly one of REDIS_URL');
  });

  it('says which sentinels it could not reach, and exits 1', async () => {
    const closed = await freePort();
    const bot = spawnBot(
      ['worker'],
      await env({ REDIS_SENTINELS: `127.0.0.1:${closed}`, REDIS_SENTINEL_NAME: 'mymaster' }),
    );

    expect(await bot.exited).toBe(1);
    expect(bot.output()).toContain(
      `Cannot reach the Redis at REDIS_SENTINELS 127.0.0.1:${closed} (primary "mymaster")`,
    );
  });
});
