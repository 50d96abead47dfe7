import { resolvePlain } from './go-scalars.ts';
import type { GroupsStyle } from './located.ts';
import type { GoNode } from './yaml-reader.ts';

/**
 * Writes values so that no string can change the document's structure: a value is plain only when it is made of
 * characters that mean nothing to YAML and reads back as that very string (not a bool, number or null under
 * YAML 1.1, as yaml.v2 resolves); anything else is double-quoted in JSON style with every character outside
 * printable ASCII escaped (line breaks, NEL and U+2028/9 included), so the text stays one line of ASCII.
 */
// Also safe inside flow collections: no ',', brackets or braces, and a ':' is never last or before a space.
const PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9_./@=+:-]*$/;
const PRINTABLE_ASCII = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
  '\b': '\\b',
  '\f': '\\f',
};

export function yamlString(value: string): string {
  return isPlainSafe(value) ? value : quotedString(value);
}

/** The same rules hold inside flow collections (`[a, b]`, `{k: v}`). */
export const flowString = yamlString;

function isPlainSafe(value: string): boolean {
  return PLAIN_SAFE.test(value) && !value.endsWith(':') && resolvePlain(value) === 'str';
}

/** A double-quoted scalar holding exactly `value`, in printable ASCII. */
export function quotedString(value: string): string {
  if (PRINTABLE_ASCII.test(value)) return `"${value}"`;
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) out += short;
    else if (code >= 0x20 && code <= 0x7e) out += char;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/**
 * A value read by `readYaml`, written back with the same meaning: strings as above, other scalars as their
 * original plain text when it resolves to the same kind (else with an explicit tag), collections in flow style.
 */
export function nodeText(node: GoNode, context: 'block' | 'flow'): string {
  if (node.type === 'seq') return `[${node.items.map((item) => nodeText(item, 'flow')).join(', ')}]`;
  if (node.type === 'map') {
    const pairs = [...node.entries].map(([key, value]) => `${flowString(key)}: ${nodeText(value, 'flow')}`);
    return `{${pairs.join(', ')}}`;
  }
  if (node.kind === 'str') return context === 'flow' ? flowString(node.text) : yamlString(node.text);
  if (node.kind === 'null') return 'null';
  if (/^[A-Za-z0-9_.+~-]+$/.test(node.text) && resolvePlain(node.text) === node.kind) return node.text;
  return `!!${node.kind} ${quotedString(node.text)}`;
}

export type FieldValue =
  | { kind: 'string'; text: string }
  | { kind: 'strings'; items: readonly string[] }
  | { kind: 'node'; node: GoNode };
export type ItemField = { key: string; value: FieldValue };

export type BlockStyle = { seqIndent: number; fieldOffset: number; groups: GroupsStyle };

export const DEFAULT_BLOCK_STYLE: BlockStyle = { seqIndent: 0, fieldOffset: 2, groups: { kind: 'block', offset: 2 } };

/** One block item, its first line starting with the `-` at `seqIndent`; lines joined by '\n', none trailing. */
export function blockItem(fields: readonly ItemField[], style: BlockStyle): string {
  const fieldIndent = ' '.repeat(style.seqIndent + style.fieldOffset);
  const lines: string[] = [];
  fields.forEach((field, position) => {
    const prefix = position === 0 ? `${' '.repeat(style.seqIndent)}-${' '.repeat(style.fieldOffset - 1)}` : fieldIndent;
    const key = yamlString(field.key);
    const { value } = field;
    if (value.kind === 'string') lines.push(`${prefix}${key}: ${yamlString(value.text)}`);
    else if (value.kind === 'node') lines.push(`${prefix}${key}: ${nodeText(value.node, 'block')}`);
    else if (value.items.length === 0 || style.groups.kind === 'flow') {
      lines.push(`${prefix}${key}: [${value.items.map(flowString).join(', ')}]`);
    } else {
      lines.push(`${prefix}${key}:`);
      const itemIndent = ' '.repeat(style.seqIndent + style.fieldOffset + style.groups.offset);
      for (const item of value.items) lines.push(`${itemIndent}- ${yamlString(item)}`);
    }
  });
  return lines.join('\n');
}

/** One item as a flow mapping on one line, for lists written in flow style. */
export function flowItem(fields: readonly ItemField[]): string {
  const pairs = fields.map(({ key, value }) => {
    const text =
      value.kind === 'string'
        ? flowString(value.text)
        : value.kind === 'node'
          ? nodeText(value.node, 'flow')
          : `[${value.items.map(flowString).join(', ')}]`;
    return `${flowString(key)}: ${text}`;
  });
  return `{${pairs.join(', ')}}`;
}
