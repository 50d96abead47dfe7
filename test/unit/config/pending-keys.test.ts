import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from '../../../src/config/load.ts';

const cluster = (extra: string) => `clusters:
  - name: prod-cluster
    region: us-east-1
    accountId: "111122223333"
    approvers: [U0APPROVER1]
${extra}`;

function problems(text: string): readonly string[] {
  try {
    parseConfig(text);
    return [];
  } catch (error) {
    return error instanceof ConfigError ? error.problems : [String(error)];
  }
}

describe('pendingTimeout and stepUpLevels', () => {
  it('reads both, in the same duration syntax as `durations`', () => {
    const config = parseConfig(cluster('    pendingTimeout: 6s\n    stepUpLevels: [admin, cluster-admin]\n'));

    expect(config.clusters[0]).toMatchObject({ pendingTimeout: 6_000, stepUpLevels: ['admin', 'cluster-admin'] });
  });

  it('leaves both out when not given (the code applies 24h and [cluster-admin])', () => {
    const [only] = parseConfig(cluster('')).clusters;

    expect(only?.pendingTimeout).toBeUndefined();
    expect(only?.stepUpLevels).toBeUndefined();
  });

  it.each([
    ['    pendingTimeout: 3 hours\n', 'clusters[0].pendingTimeout'],
    ['    pendingTimeout: 24\n', 'clusters[0].pendingTimeout'],
    ['    stepUpLevels: [root]\n', 'clusters[0].stepUpLevels[0]'],
  ])('names the key path of a bad value: %j', (extra, path) => {
    expect(problems(cluster(extra)).join('\n')).toContain(path);
  });

  it('accepts the example config with both keys', () => {
    const config = loadConfigFile('eks-access.example.yaml');

    expect(config.clusters[0]).toMatchObject({
      pendingTimeout: 24 * 3_600_000,
      stepUpLevels: ['admin', 'cluster-admin'],
    });
  });
});
