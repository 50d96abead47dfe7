import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAwsAuthLocated } from '../../../../src/core/aws-auth/document.ts';
import { scanList } from '../../../../src/core/aws-auth/fast-scan.ts';
import { readYaml } from '../../../../src/core/aws-auth/yaml-reader.ts';
import { awsAuthDocument, HOSTILE_STRINGS } from './aws-auth-fixtures.ts';

// Maps compared as ordered entry lists, so key order and positions count too.
const exact = (value: unknown) => JSON.stringify(value, (_key, v) => (v instanceof Map ? [...v] : v));

/** Near-grammar documents: indentation, quoting, flow and block lists, comments, then random damage. */
const scalarText = fc.oneof(
  fc.constantFrom(
    'arn:aws:iam::111122223333:role/a',
    'system:node:{{EC2PrivateDNSName}}',
    'eks-access:view',
    'yes',
    '~',
    'null',
    '0777',
    '1e3',
    '.inf',
    '-x',
    'a b',
    'a: b',
    'a #b',
    'a#b',
    "it's",
    'x"y',
    '[a]',
    '{a}',
    '&a',
    '*a',
    '!t',
    '|',
    '%',
    '@',
    'é',
    '😀',
    '',
    'a:',
    ':a',
    'a,b',
    '0x1F',
    'x\\y',
    'x\ny',
  ),
  fc.string({ maxLength: 6 }),
);
const styled = scalarText.chain((t) => fc.constantFrom(t, JSON.stringify(t), `'${t.replaceAll("'", "''")}'`));
const key = fc.constantFrom('rolearn', 'RoleArn', 'username', 'groups', 'userid', 'x-team', 'yes', 'a b', '<<', '"q"');
const comment = fc.constantFrom('', '', '', ' # c', '  #c', '#c');
const groupsValue = fc.record({
  items: fc.array(styled, { maxLength: 3 }),
  offset: fc.integer({ min: -1, max: 3 }),
  isFlow: fc.boolean(),
});
const field = fc.tuple(
  key,
  fc.oneof(
    styled.map((v) => ({ v })),
    groupsValue,
  ),
  comment,
);
const nearGrammar = fc
  .record({
    items: fc.array(fc.tuple(fc.array(field, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 3 })), {
      maxLength: 4,
    }),
    indent: fc.integer({ min: 0, max: 2 }),
    extraLines: fc.array(
      fc.tuple(fc.nat(), fc.constantFrom('# x', '', '   ', ' - y', '  z', '\t', '---', '...'), fc.nat(5)),
      { maxLength: 2 },
    ),
    damage: fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', ':', '-', '#', '"', "'", '[', ']', ',', '\n', '\n  ')), {
      maxLength: 2,
    }),
    finalNewline: fc.boolean(),
  })
  .map(({ items, indent, extraLines, damage, finalNewline }) => {
    const lines: string[] = [];
    for (const [fields, gap] of items) {
      const fieldIndent = indent + 1 + gap;
      fields.forEach(([k, value, c], i) => {
        const prefix = i === 0 ? `${' '.repeat(indent)}-${' '.repeat(gap)}` : ' '.repeat(fieldIndent);
        if ('v' in value) lines.push(`${prefix}${k}: ${value.v}${c}`);
        else if (value.isFlow) lines.push(`${prefix}${k}: [${value.items.join(', ')}]${c}`);
        else {
          lines.push(`${prefix}${k}:${c}`);
          for (const g of value.items) lines.push(`${' '.repeat(Math.max(0, fieldIndent + value.offset))}- ${g}`);
        }
      });
    }
    for (const [at, text, pad] of extraLines) lines.splice(at % (lines.length + 1), 0, ' '.repeat(pad) + text);
    let text = lines.join('\n') + (finalNewline ? '\n' : '');
    for (const [at, char] of damage) {
      const p = at % (text.length + 1);
      text = text.slice(0, p) + char + text.slice(p);
    }
    return text;
  });

describe('scanList: agreement with the yaml-based reader', () => {
  it('builds exactly the tree readYaml builds, on every text it accepts', { timeout: 30_000 }, () => {
    let accepted = 0;

    fc.assert(
      fc.property(nearGrammar, (text) => {
        const scanned = scanList(text);
        if (scanned === undefined) return;
        accepted++;
        const read = readYaml(text, 'json');
        expect(read.ok).toBe(true);
        expect(read.notes).toEqual([]);
        expect(exact(scanned.root)).toBe(exact(read.ok ? read.root : 'failed'));
      }),
      { numRuns: 3000 },
    );

    expect(accepted).toBeGreaterThan(150);
  });

  it('reads whole documents exactly as the yaml-based path does (plain items decoded without a tree)', {
    timeout: 30_000,
  }, () => {
    fc.assert(
      fc.property(awsAuthDocument, (doc) => {
        const fast = parseAwsAuthLocated(doc.data);
        const slow = parseAwsAuthLocated(doc.data, { fastPath: false });

        expect(exact(fast.document)).toBe(exact(slow.document));
        expect(fast.entryKeys).toEqual(slow.entryKeys);
      }),
      { numRuns: 300 },
    );
  });

  it.each(HOSTILE_STRINGS)('agrees on a document holding %s as a quoted value', (_, value) => {
    const text = `- rolearn: arn:aws:iam::111122223333:role/a\n  username: ${JSON.stringify(value)}\n  groups: [a]\n`;

    const fast = parseAwsAuthLocated({ mapRoles: text });
    const slow = parseAwsAuthLocated({ mapRoles: text }, { fastPath: false });

    expect(exact(fast.document)).toBe(exact(slow.document));
    expect(fast.document.mapRoles[0]?.username).toBe(value);
  });
});

describe('scanList: the grammar it accepts', () => {
  it.each([
    ['block groups, indented', '- rolearn: a\n  groups:\n    - x\n'],
    ['block groups, compact (eksctl)', '- groups:\n  - x\n  rolearn: a\n'],
    ['flow groups', '- rolearn: a\n  groups: [x, "y", \'z\']\n'],
    ['comments everywhere', '# head\n- rolearn: a # t\n  # mid\n  groups: # g\n  - x\n# tail\n'],
    ['an indented list', '  - rolearn: a\n    username: b\n'],
    ['a null value', '- rolearn: a\n  username:\n'],
    ['odd key spellings', '- roleARN: a\n  UserName: b\n'],
    ['no final newline', '- rolearn: a'],
    ['only comments', '# nothing\n'],
  ])('accepts %s', (_, text) => {
    expect(scanList(text)).toBeDefined();
  });

  it.each([
    [
      'a folded group list (mis-indented line)',
      '- rolearn: a\n  groups:\n    - system:bootstrappers\n     - system:nodes\n',
    ],
    ['a tab', '- rolearn: a\n\tgroups: [x]\n'],
    ['CRLF line ends', '- rolearn: a\r\n'],
    ['an anchor', '- &x\n  rolearn: a\n'],
    ['an alias value', '- rolearn: *x\n'],
    ['a tag', '- rolearn: !!str a\n'],
    ['a block scalar', '- rolearn: |\n    a\n'],
    ['a nested mapping', '- sso:\n    permissionSetName: A\n'],
    ['a flow mapping item', '- {rolearn: a}\n'],
    ['a plain scalar item', '- arn:aws:iam::111122223333:role/a\n'],
    ['a second document', '- rolearn: a\n---\n- rolearn: b\n'],
    ['a multi-line plain scalar', '- rolearn: a\n    b\n'],
    ['a special float in JSON mode', '- rolearn: .nan\n'],
    ['a trailing comma', '- groups: [a, ]\n'],
    ['a bool-looking key', '- yes: a\n'],
    ['a line separator', '- rolearn: a\u2028b\n'],
  ])('leaves %s to the yaml-based reader', (_, text) => {
    expect(scanList(text)).toBeUndefined();
  });

  it('gives each item its text range: from the dash, to the end of its last value and of its last line', () => {
    const text = '# head\n- rolearn: a # note\n  groups:\n    - x  # last\n# about b\n- rolearn: b\n';

    const scanned = scanList(text);

    const [a, b] = scanned?.items ?? [];
    expect(text.slice(a?.start, a?.contentEnd)).toBe('- rolearn: a # note\n  groups:\n    - x');
    expect(text.slice(a?.lineStart, a?.lineEnd)).toBe('- rolearn: a # note\n  groups:\n    - x  # last\n');
    expect(text.slice(b?.lineStart, b?.lineEnd)).toBe('- rolearn: b\n');
    expect(scanned?.layout).toEqual({
      kind: 'block',
      seqIndent: 0,
      fieldOffset: 2,
      groups: { kind: 'block', offset: 2 },
    });
  });
});
