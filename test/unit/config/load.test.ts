import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.ts';
import { problemsOf } from '../../support/config-problems.ts';

const EXAMPLE = readFileSync(resolve(import.meta.dirname, '../../../eks-access.example.yaml'), 'utf8');

const VALID_CLUSTER = `
  - name: prod-cluster
    region: us-east-1
    accountId: "111122223333"
    approvers: [U0APPROVER1]`;

describe('config file', () => {
  it('accepts the shipped example and fills defaults', () => {
    const config = parseConfig(EXAMPLE);

    expect(config.clusters.map((c) => c.name)).toEqual(['prod-cluster', 'staging']);
    expect(config.clusters[1]?.requiredApprovals).toBe(1);
    expect(config.users['U0BOB']).toBe('arn:aws:iam::111122223333:role/platform/bob-admin');
    expect(Object.isFrozen(config.clusters[0])).toBe(true);
  });

  it.each([
    [
      'accountId as a number',
      `clusters:\n  - name: a\n    region: us-east-1\n    accountId: 111122223333\n    approvers: [U0A1]`,
      'clusters[0].accountId',
    ],
    [
      'a missing region',
      `clusters:\n  - name: a\n    accountId: "111122223333"\n    approvers: [U0A1]`,
      'clusters[0].region',
    ],
    ['a bad method', `clusters:${VALID_CLUSTER}\n    method: kubectl`, 'clusters[0].method'],
    [
      'more approvals than approvers',
      `clusters:${VALID_CLUSTER}\n    requiredApprovals: 2`,
      'clusters[0].requiredApprovals',
    ],
    [
      'a session ARN with spaces',
      `clusters:${VALID_CLUSTER}\nusers:\n  U0ALICE: "arn:aws:iam::1:user/a b"`,
      'users.U0ALICE',
    ],
    [
      'a lower-case Slack id',
      `clusters:${VALID_CLUSTER}\nusers:\n  alice: arn:aws:iam::111122223333:user/alice`,
      'users',
    ],
    ['an unknown key', `clusters:${VALID_CLUSTER}\n    colour: blue`, 'clusters[0]'],
    [
      'a duplicate alias',
      `clusters:${VALID_CLUSTER}\n    aliases: [prod]\n  - name: prod\n    region: us-east-1\n    accountId: "111122223333"\n    approvers: [U0A1]`,
      'clusters[1].aliases',
    ],
    ['no clusters', 'clusters: []', 'clusters'],
    ['not YAML', 'clusters: [unclosed', 'not valid YAML'],
    [
      'a hostile cluster name',
      `clusters:\n  - name: "../../etc"\n    region: us-east-1\n    accountId: "111122223333"\n    approvers: [U0A1]`,
      'clusters[0].name',
    ],
  ])('rejects %s, naming the key path', (_, text, path) => {
    const problems = problemsOf(text);

    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(path);
  });
});
