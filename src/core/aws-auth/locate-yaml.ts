import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type YAMLSeq } from 'yaml';
import { scanList } from './fast-scan.ts';
import type { GroupsStyle, ListLayout, LocatedItem, LocatedList } from './located.ts';
import { type GoNode, readYaml, YAML_PARSE_OPTIONS, type YamlProblem } from './yaml-reader.ts';

export type LocateOutcome = { ok: true; list: LocatedList } | { ok: false; error: YamlProblem };

/**
 * Reads a mapRoles/mapUsers value with each item's text range: the fast scanner when the text is in its grammar,
 * else the `yaml` parser's own source ranges (any valid YAML, at several times the cost). Values come from the
 * same tree `readYaml` builds, so both paths see the items exactly as the authenticator does.
 */
export function locateList(text: string): LocateOutcome {
  const scanned = scanList(text);
  if (scanned !== undefined) return { ok: true, list: scanned };
  const read = readYaml(text, 'json');
  if (!read.ok) return { ok: false, error: read.error };
  const hasExtraDocuments = read.notes.some((note) => note.code === 'extra_documents');
  return { ok: true, list: locateWithYaml(text, read.root, hasExtraDocuments) };
}

const UNLOCATABLE = (root: GoNode | undefined): LocatedList => ({
  root,
  items: [],
  layout: { kind: 'empty' },
  canAppend: false,
});

function locateWithYaml(text: string, root: GoNode | undefined, hasExtraDocuments: boolean): LocatedList {
  const doc = parseAllDocuments(text, { ...YAML_PARSE_OPTIONS, keepSourceTokens: true })[0];
  const contents = doc?.contents;
  if (root === undefined || contents === null || contents === undefined) {
    return { root, items: [], layout: { kind: 'empty' }, canAppend: !hasExtraDocuments && onlyTrivia(text, 0) };
  }
  if (root.type === 'scalar' && root.kind === 'null') {
    return { root, items: [], layout: { kind: 'null' }, canAppend: !hasExtraDocuments };
  }
  if (root.type !== 'seq' || !isSeq(contents) || contents.items.length !== root.items.length) return UNLOCATABLE(root);
  const [seqStart = 0, seqEnd = 0] = contents.range ?? [];
  const canAppend = !hasExtraDocuments && onlyTrivia(text, seqEnd);
  const located =
    contents.flow === true ? flowItems(text, contents, root.items) : blockItems(text, contents, root.items);
  if (located === undefined) return UNLOCATABLE(root);
  if (contents.flow === true) {
    if (text[seqStart] !== '[' || text[seqEnd - 1] !== ']') return UNLOCATABLE(root);
    return { root, items: located, layout: { kind: 'flow', start: seqStart, end: seqEnd }, canAppend };
  }
  return { root, items: located, layout: blockLayout(text, contents, located), canAppend };
}

type SourceToken = { type: string; offset: number };
type BlockSeqToken = { type: 'block-seq'; items: { start: readonly SourceToken[] }[] };

function blockItems(text: string, seq: YAMLSeq, nodes: readonly GoNode[]): LocatedItem[] | undefined {
  const token = (seq as YAMLSeq & { srcToken?: BlockSeqToken }).srcToken;
  if (token?.type !== 'block-seq') return undefined;
  const dashes = token.items.flatMap((item) =>
    item.start.filter((t) => t.type === 'seq-item-ind').map((t) => t.offset),
  );
  if (dashes.length !== seq.items.length) return undefined;
  const items: LocatedItem[] = [];
  for (let index = 0; index < seq.items.length; index++) {
    const item = seq.items[index];
    const node = nodes[index];
    const start = dashes[index];
    const range = rangeOf(item);
    if (node === undefined || start === undefined || range === undefined) return undefined;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const end = range[1];
    const contentEnd = end > 0 && text[end - 1] === '\n' ? end - 1 : end;
    const newline = text.indexOf('\n', contentEnd);
    const lineEnd = newline < 0 ? text.length : newline + 1;
    const isEditable = text.slice(lineStart, start).trim() === '' && !hasAnchor(item);
    items.push({ index, line: node.line, node, lineStart, start, contentEnd, lineEnd, isEditable });
  }
  return items;
}

function flowItems(text: string, seq: YAMLSeq, nodes: readonly GoNode[]): LocatedItem[] | undefined {
  const items: LocatedItem[] = [];
  for (let index = 0; index < seq.items.length; index++) {
    const item = seq.items[index];
    const node = nodes[index];
    const range = rangeOf(item);
    if (node === undefined || range === undefined) return undefined;
    const [start, contentEnd] = range;
    const isEditable = !hasAnchor(item) && !text.slice(start, contentEnd).includes('\n');
    items.push({ index, line: node.line, node, lineStart: start, start, contentEnd, lineEnd: contentEnd, isEditable });
  }
  return items;
}

function blockLayout(text: string, seq: YAMLSeq, items: readonly LocatedItem[]): ListLayout {
  const first = items[0];
  const seqIndent = first === undefined ? 0 : first.start - first.lineStart;
  let fieldOffset = 2;
  let groups: GroupsStyle = { kind: 'block', offset: 2 };
  seq.items.forEach((item, index) => {
    const at = items[index];
    if (!isMap(item) || item.flow === true || at === undefined) return;
    const mapStart = item.range?.[0] ?? 0;
    fieldOffset = columnOf(text, mapStart) - seqIndent;
    for (const pair of item.items) {
      if (!isScalar(pair.key) || String(pair.key.value).toLowerCase() !== 'groups' || !isSeq(pair.value)) continue;
      const valueStart = pair.value.range?.[0] ?? 0;
      groups =
        pair.value.flow === true
          ? { kind: 'flow' }
          : { kind: 'block', offset: Math.max(0, columnOf(text, valueStart) - columnOf(text, mapStart)) };
    }
  });
  return { kind: 'block', seqIndent, fieldOffset: Math.max(2, fieldOffset), groups };
}

function rangeOf(item: unknown): readonly [number, number] | undefined {
  if (isScalar(item) || isMap(item) || isSeq(item) || isAlias(item)) {
    const range = item.range;
    if (range) return [range[0], range[1]];
  }
  return undefined;
}

// An anchor inside an item may be used by a later alias; splicing the item would break that alias.
function hasAnchor(item: unknown): boolean {
  if (isPair(item)) return hasAnchor(item.key) || hasAnchor(item.value);
  if (!(isScalar(item) || isMap(item) || isSeq(item))) return false;
  if (item.anchor !== undefined) return true;
  return isScalar(item) ? false : item.items.some((child: unknown) => hasAnchor(child));
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

// Appending at the end is safe only when nothing but comments and blank lines follows the list.
function onlyTrivia(text: string, from: number): boolean {
  return text
    .slice(from)
    .split('\n')
    .every((line) => /^[ \t]*(#.*)?$/.test(line));
}
