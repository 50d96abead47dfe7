import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockItem, flowItem, nodeText, quotedString, yamlString } from '../../../../src/core/aws-auth/emit.ts';
import { scanList } from '../../../../src/core/aws-auth/fast-scan.ts';
import { readYaml } from '../../../../src/core/aws-auth/yaml-reader.ts';
import { HOSTILE_STRINGS } from './aws-auth-fixtures.ts';

const readBack = (scalar: string) => {
  const read = readYaml(`- k: ${scalar}\n`, 'json');
  const item = read.ok && read.root?.type === 'seq' ? read.root.items[0] : undefined;
  return item?.type === 'map' ? item.entries.get('k') : undefined;
};

describe('emitting values', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/a'],
    ['eks-access:view', 'eks-access:view'],
    ['yes', '"yes"'],
    ['null', '"null"'],
    ['0777', '"0777"'],
    ['a:', '"a:"'],
    ['{{SessionName}}', '"{{SessionName}}"'],
    ['', '""'],
    ['é', '"\\u00e9"'],
    ['🚀', '"\\U0001f680"'],
    ['a\u2028b', '"a\\u2028b"'],
  ])('writes %j as %s', (value, written) => {
    expect(yamlString(value)).toBe(written);
  });

  it('writes any string as one line of printable ASCII that reads back as exactly that string, on the fast path', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom(...HOSTILE_STRINGS.map(([, v]) => v))),
        (value) => {
          const written = yamlString(value);

          expect(written).toMatch(/^[\x20-\x7e]*$/);
          expect(readBack(written)).toMatchObject({ kind: 'str', text: value });
          // What the bot writes stays in the fast scanner's grammar, so edited documents stay fast to read.
          expect(scanList(`- k: ${written}\n`)).toBeDefined();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps other scalar kinds as their kind', () => {
    for (const [text, kind] of [
      ['0x1F', 'int'],
      ['yes', 'bool'],
      ['1e3', 'float'],
      ['x', 'bool'],
    ] as const) {
      const written = nodeText({ type: 'scalar', kind, text, line: 1, column: 1 }, 'block');

      expect(readBack(written)).toMatchObject({ kind, text });
    }
  });

  it('renders items in block and flow style', () => {
    const fields = [
      { key: 'rolearn', value: { kind: 'string', text: 'arn:aws:iam::111122223333:role/a' } },
      { key: 'groups', value: { kind: 'strings', items: ['g', 'h i'] } },
    ] as const;

    expect(blockItem(fields, { seqIndent: 2, fieldOffset: 3, groups: { kind: 'block', offset: 0 } })).toBe(
      '  -  rolearn: arn:aws:iam::111122223333:role/a\n     groups:\n     - g\n     - "h i"',
    );
    expect(flowItem(fields)).toBe('{rolearn: arn:aws:iam::111122223333:role/a, groups: [g, "h i"]}');
    expect(quotedString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});
