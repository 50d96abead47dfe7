import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../src/config/load.ts';
import { problemsOf } from '../../support/config-problems.ts';

const CLUSTER = `clusters:
  - name: prod-cluster
    region: us-east-1
    accountId: "111122223333"
`;

describe('config errors say what to write', () => {
  it('names a missing approvers list with an example, not the validator wording', () => {
    const problems = problemsOf(CLUSTER);

    expect(problems).toEqual([
      'clusters[0].approvers is missing: list the Slack user IDs (U…) or user-group IDs (S…) who may approve, e.g. approvers: [U0123ABCD]',
    ]);
    expect(problems.join()).not.toMatch(/Invalid input|received undefined/);
  });

  it('tells an unquoted account id to be quoted', () => {
    const problems = problemsOf(`${CLUSTER.replace('"111122223333"', '011122223333')}    approvers: [U0APPROVER1]\n`);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('clusters[0].accountId must be quoted');
    expect(problems[0]).toContain('accountId: "11122223333"');
  });

  it('suggests the closest key for a misspelt one, at the top level and inside a cluster', () => {
    const problems = problemsOf(`${CLUSTER}    approvers: [U0APPROVER1]\n    approvalChanel: C0APPROVALS\nuser: {}\n`);

    expect(problems).toContain('clusters[0].approvalChanel is not a known key: did you mean approvalChannel?');
    expect(problems).toContain('user is not a known key: did you mean users?');
  });

  it('says an empty list item is empty, and what a wrong type holds', () => {
    const problems = problemsOf(`${CLUSTER}    approvers: [U0APPROVER1]\n  - null\nusers: 3\n`);

    expect(problems).toContain('clusters[1] is empty: expected a mapping (remove the line or fill it in)');
    expect(problems).toContain('users: expected a mapping, but the file has number 3');
  });

  it('shows the offending YAML line with a caret, and no dangling colon', () => {
    const [problem = ''] = problemsOf('clusters:\n  - name: prod\n   region: x:\n');

    expect(problem).toMatch(/^not valid YAML: .*line 3, column 1$/m);
    expect(problem).toContain('   region: x:');
    expect(problem).toMatch(/\n\s+\^/);
  });

  it('suggests copying the example when the file does not exist', () => {
    let message = '';
    try {
      loadConfigFile('/nonexistent/eks-access.yaml');
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toContain('ENOENT');
    expect(message).toContain('cp eks-access.example.yaml eks-access.yaml');
  });
});
