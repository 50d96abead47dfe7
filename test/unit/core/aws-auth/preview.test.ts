import { describe, expect, it } from 'vitest';
import {
  formatSafetyChecks,
  PREVIEW_MAX_CHARS,
  PREVIEW_MAX_LINE_CHARS,
  PREVIEW_MAX_LINES,
  previewAwsAuthChange,
} from '../../../../src/core/aws-auth/preview.ts';
import { checkAwsAuthChange } from '../../../../src/core/aws-auth/safety.ts';
import { NODE_ITEM, remove, role, upsert } from './aws-auth-fixtures.ts';

const ALICE = role('alice');
const BOB_ITEM = `- rolearn: ${role('bob')}\n  username: bob\n  groups: [eks-access:view]\n`;
const before = { mapRoles: NODE_ITEM + BOB_ITEM };

describe('previewAwsAuthChange', () => {
  it.each([
    [
      'an added item',
      upsert('r1', ALICE, 'eks-access:alice', ['eks-access:view']),
      [`+ - rolearn: ${ALICE}`, '+   username: eks-access:alice', '+   groups: [eks-access:view]'],
    ],
    [
      'an updated item',
      upsert('r1', role('bob'), 'eks-access:bob', ['eks-access:view']),
      [
        `  - rolearn: ${role('bob')}`,
        '-   username: bob',
        '+   username: eks-access:bob',
        '    groups: [eks-access:view]',
      ],
    ],
    [
      'a removed item',
      remove('r1', role('bob')),
      [`- - rolearn: ${role('bob')}`, '-   username: bob', '-   groups: [eks-access:view]'],
    ],
    [
      'an item already so',
      upsert('r1', role('bob'), 'bob', ['eks-access:view']),
      [`  rolearn: ${role('bob')}: unchanged, already mapped so`],
    ],
    [
      'a refused item',
      upsert('r1', role('eks-node-role'), 'x', ['eks-access:view']),
      [expect.stringMatching(/^! rolearn: .*eks-node-role: refused \(node_entry\): /)],
    ],
  ])('shows %s as a small diff', (_, op, lines) => {
    const preview = previewAwsAuthChange(before, [op]);

    expect(preview.lines).toEqual(lines);
    expect(preview.isTruncated).toBe(false);
    expect(preview.results).toHaveLength(1);
  });

  it('shows hostile values escaped, one line each', () => {
    const preview = previewAwsAuthChange(before, [upsert('r1', ALICE, 'a\n- rolearn: evil', ['x\ny'])]);

    expect(preview.lines).toEqual([
      `+ - rolearn: ${ALICE}`,
      '+   username: "a\\n- rolearn: evil"',
      '+   groups: ["x\\ny"]',
    ]);
  });

  it('caps line length, line count and total size', () => {
    const ops = Array.from({ length: 40 }, (_, i) => upsert(`r${i}`, role(`person-${i}`), 'u'.repeat(500), ['g']));

    const preview = previewAwsAuthChange(before, ops);

    expect(preview.isTruncated).toBe(true);
    expect(preview.lines.length).toBeLessThanOrEqual(PREVIEW_MAX_LINES);
    expect(preview.lines.every((line) => line.length <= PREVIEW_MAX_LINE_CHARS)).toBe(true);
    expect(preview.lines.join('\n').length).toBeLessThanOrEqual(PREVIEW_MAX_CHARS + PREVIEW_MAX_LINE_CHARS);
    expect(preview.lines.at(-1)).toMatch(/^… \d+ more lines$/);
  });

  it('lists the safety checks the card will show, and formats a verdict', () => {
    const ops = [upsert('r1', ALICE, 'a', ['eks-access:view'])];
    const preview = previewAwsAuthChange(before, ops);
    const verdict = checkAwsAuthChange({ before, after: before, ops, creator: { isKnown: true, arn: role('c') } });

    const lines = formatSafetyChecks(verdict.checks);

    expect(preview.checkLabels.map((c) => c.id)).toEqual(verdict.checks.map((c) => c.id));
    expect(lines).toContain('✓ Current aws-auth parses without errors');
    expect(lines).toContain(`✗ Result holds exactly the requested change: r1: ${ALICE} is missing from the result`);
  });
});
