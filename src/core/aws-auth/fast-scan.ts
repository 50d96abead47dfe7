import { SCALAR, SEQ, TABLE } from './field-table.ts';
import { isSpecialFloat, resolvePlain } from './go-scalars.ts';
import type { GroupsStyle, LocatedItem, LocatedList } from './located.ts';
import {
  CLOSE_BRACKET,
  COMMA,
  DASH,
  DOUBLE_QUOTE,
  doubleQuoted,
  HASH,
  OPEN_BRACKET,
  OUTSIDE_GRAMMAR,
  outside,
  plainEnd,
  SINGLE_QUOTE,
  SPACE,
  singleQuoted,
  skipSpaces,
} from './scan-scalars.ts';
import type { MappingList } from './types.ts';
import type { GoScalar, GoSeq } from './yaml-reader.ts';

/**
 * A strict, line-based reader for the shape nearly every aws-auth list has: a block sequence of flat block
 * mappings whose values are one-line scalars (plain, single- or double-quoted) or lists of them (block, or flow on
 * one line), with comments and blank lines anywhere. It builds exactly the tree `readYaml(text, 'json')` builds
 * (same values, kinds, positions, repeated keys) plus each item's text range, in a small fraction of the time.
 * Anything outside that grammar (anchors, tags, block scalars, multi-line scalars, nested mappings, tabs, CR,
 * unusual escapes, odd indentation) returns undefined and the caller falls back to the `yaml`-based reader; a
 * property test checks the two agree on every text this accepts.
 *
 * With `decodeFor`, plain items (known fields in lower case, each once, string values, groups a list of strings,
 * a non-empty ARN) skip the tree: they come back as `plain`, which `decodePlainItem` reads exactly as
 * `decodeItem` reads their tree. Values are first collected in reusable tables, so a plain item allocates
 * little more than its strings; the tree is built only for the other items. `root` is then left undefined.
 */
export function scanList(text: string, decodeFor?: MappingList): LocatedList | undefined {
  if (UNSUPPORTED_CHARACTER.test(text)) return undefined;
  try {
    return new Scanner(text, decodeFor).list();
  } catch (error) {
    if (error === OUTSIDE_GRAMMAR) return undefined;
    throw error;
  } finally {
    TABLE.release();
  }
}

// Tabs, CR, C0/C1 controls (NEL included), the YAML 1.1 line separators, BOMs, non-characters, lone surrogates.
const UNSUPPORTED_CHARACTER =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\0-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const KEY = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
// A plain scalar may not start with a YAML indicator; '-', '?' and ':' are refused too, to stay simple.
const PLAIN_START_REFUSED = new Set('-?:,[]{}#&*!|>\'"%@` ');
const FLOW_REFUSED = /[[\]{}#]/;

/**
 * Works on absolute offsets into the text (no per-line strings), and reports a value's end through `end` and
 * `endLine` rather than wrapper objects: documents run to thousands of items and allocation dominates the cost.
 */
class Scanner {
  readonly text: string;
  readonly decodeFor: MappingList | undefined;
  /** Offset where each line starts, plus one past the end (as if the text ended with a newline). */
  readonly starts: number[];
  readonly lineCount: number;
  readonly table = TABLE;
  /** Index of the current line; lines before it are consumed. */
  at = 0;
  /** Offset just after the last value read, and that value's last line. */
  end = 0;
  endLine = 0;
  /** The groups style of the last item read, when it had a groups list. */
  groups: GroupsStyle | undefined;
  /** Column of the field names of the last item read. */
  fieldIndent = 0;

  constructor(text: string, decodeFor: MappingList | undefined) {
    this.text = text;
    this.decodeFor = decodeFor;
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    if (starts.at(-1) !== text.length + 1) starts.push(text.length + 1);
    this.starts = starts;
    this.lineCount = starts.length - 1;
  }

  lineStart(line: number): number {
    return this.starts[line] ?? this.text.length;
  }

  /** Offset of the newline ending the line (or the end of the text). */
  lineEnd(line: number): number {
    return (this.starts[line + 1] ?? this.text.length + 1) - 1;
  }

  indent(line: number): number {
    return skipSpaces(this.text, this.lineStart(line)) - this.lineStart(line);
  }

  code(offset: number): number {
    return this.text.charCodeAt(offset);
  }

  list(): LocatedList {
    this.skipTrivia();
    if (this.at >= this.lineCount) return { root: undefined, items: [], layout: { kind: 'empty' }, canAppend: true };
    const seqIndent = this.indent(this.at);
    const first = this.at;
    const items: LocatedItem[] = [];
    let fieldOffset = 2;
    let groups: GroupsStyle | undefined;
    while (this.at < this.lineCount) {
      const dash = this.lineStart(this.at) + seqIndent;
      if (this.indent(this.at) !== seqIndent || this.code(dash) !== DASH || this.code(dash + 1) !== SPACE) outside();
      const item = this.item(seqIndent, items.length);
      items.push(item);
      fieldOffset = this.fieldIndent - seqIndent;
      if (this.groups !== undefined) groups = this.groups;
      this.skipTrivia();
    }
    const nodes = this.decodeFor === undefined ? items.map((item) => item.node ?? NULL_NODE) : undefined;
    const root: GoSeq | undefined =
      nodes === undefined ? undefined : { type: 'seq', items: nodes, line: first + 1, column: seqIndent + 1 };
    return {
      root,
      items,
      layout: { kind: 'block', seqIndent, fieldOffset, groups: groups ?? { kind: 'block', offset: 2 } },
      canAppend: true,
    };
  }

  item(seqIndent: number, index: number): LocatedItem {
    const { table } = this;
    table.reset();
    const lineIndex = this.at;
    const lineStart = this.lineStart(lineIndex);
    const fieldIndent = skipSpaces(this.text, lineStart + seqIndent + 1) - lineStart;
    this.fieldIndent = fieldIndent;
    this.groups = undefined;
    for (;;) {
      const key = this.fieldKey(fieldIndent);
      const f = table.fieldCount;
      this.fieldValue(key, fieldIndent);
      if (table.shapes[f] === SEQ && key.length === 6 && key.toLowerCase() === 'groups') {
        const offset = (table.columns[f] ?? 0) - 1 - fieldIndent;
        this.groups = table.flows[f] ? { kind: 'flow' } : { kind: 'block', offset };
      }
      const { end, endLine } = this;
      this.skipTrivia();
      this.end = end;
      this.endLine = endLine;
      if (this.at >= this.lineCount) break;
      const indent = this.indent(this.at);
      if (indent < fieldIndent) break;
      if (indent > fieldIndent || this.code(this.lineStart(this.at) + indent) === DASH) outside();
    }
    const line = lineIndex + 1;
    const lineEnd = Math.min(this.lineEnd(this.endLine) + 1, this.text.length);
    const start = lineStart + seqIndent;
    const contentEnd = this.end;
    const plain = this.decodeFor === undefined ? undefined : table.plain(this.decodeFor);
    if (plain !== undefined) return { index, line, plain, lineStart, start, contentEnd, lineEnd, isEditable: true };
    const node = table.map(line, fieldIndent + 1);
    return { index, line, node, lineStart, start, contentEnd, lineEnd, isEditable: true };
  }

  /** The key of the field at `fieldIndent` on the current line; leaves the offset after its ':' in `end`. */
  fieldKey(fieldIndent: number): string {
    const start = this.lineStart(this.at) + fieldIndent;
    const lineEnd = this.lineEnd(this.at);
    const colon = this.text.indexOf(':', start);
    if (colon < 0 || colon >= lineEnd) outside();
    const key = this.text.slice(start, colon);
    if (!KEY.test(key) || resolvePlain(key) !== 'str') outside();
    if (colon + 1 < lineEnd && this.code(colon + 1) !== SPACE) outside();
    this.end = colon + 1;
    return key;
  }

  /** The value after the key just read, into the table; consumes the lines it spans. */
  fieldValue(key: string, fieldIndent: number): void {
    const { table } = this;
    const lineIndex = this.at;
    const lineStart = this.lineStart(lineIndex);
    const lineEnd = this.lineEnd(lineIndex);
    const afterColon = this.end;
    const p = skipSpaces(this.text, afterColon);
    const first = table.scalarCount;
    if (p < lineEnd && this.code(p) !== HASH) {
      if (this.code(p) === OPEN_BRACKET) {
        this.flowSeq(p, lineIndex);
        table.field(key, SEQ, first, lineIndex + 1, p - lineStart + 1, true);
      } else {
        this.inline(p, lineIndex, 'block');
        table.field(key, SCALAR, first, lineIndex + 1, p - lineStart + 1, false);
      }
      this.trailing(this.end, lineEnd);
      this.at = lineIndex + 1;
      return;
    }
    // An empty value: a block list follows, or it is null.
    this.at = lineIndex + 1;
    this.skipTrivia();
    if (this.at < this.lineCount) {
      const indent = this.indent(this.at);
      if (indent >= fieldIndent && this.code(this.lineStart(this.at) + indent) === DASH) {
        const seqLine = this.at + 1;
        this.blockSeq(indent, fieldIndent);
        table.field(key, SEQ, first, seqLine, indent + 1, false);
        return;
      }
      if (indent > fieldIndent) outside();
    }
    this.at = lineIndex + 1;
    this.end = afterColon;
    this.endLine = lineIndex;
    table.scalar('null', '', lineIndex + 1, Math.min(p, lineEnd) - lineStart + 1);
    table.field(key, SCALAR, first, lineIndex + 1, 0, false);
  }

  blockSeq(indent: number, fieldIndent: number): void {
    for (;;) {
      const lineStart = this.lineStart(this.at);
      const lineEnd = this.lineEnd(this.at);
      const dash = lineStart + indent;
      if (this.code(dash + 1) !== SPACE) outside();
      const p = skipSpaces(this.text, dash + 1);
      if (p >= lineEnd || this.code(p) === HASH || this.code(p) === OPEN_BRACKET) outside();
      this.inline(p, this.at, 'block');
      this.trailing(this.end, lineEnd);
      const { end, endLine } = this;
      this.at++;
      this.skipTrivia();
      this.end = end;
      this.endLine = endLine;
      if (this.at >= this.lineCount) break;
      const nextIndent = this.indent(this.at);
      if (nextIndent === indent && this.code(this.lineStart(this.at) + nextIndent) === DASH) continue;
      if (nextIndent > indent || (nextIndent > fieldIndent && nextIndent < indent)) outside();
      if (nextIndent === indent && indent > fieldIndent) outside();
      break;
    }
  }

  /** A scalar on one line from offset `p` (quoted or plain), into the table. Sets `end` and `endLine`. */
  inline(p: number, lineIndex: number, context: 'block' | 'flow'): void {
    const { text } = this;
    const lineEnd = this.lineEnd(lineIndex);
    const c = this.code(p);
    this.endLine = lineIndex;
    const line = lineIndex + 1;
    const column = p - this.lineStart(lineIndex) + 1;
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const quoted = c === DOUBLE_QUOTE ? doubleQuoted(text, p, lineEnd) : singleQuoted(text, p, lineEnd);
      this.end = quoted.end;
      this.table.scalar('str', quoted.text, line, column);
      return;
    }
    if (c === OPEN_BRACKET) outside();
    const end = plainEnd(text, p, lineEnd, context);
    const value = text.slice(p, end);
    if (PLAIN_START_REFUSED.has(value.charAt(0)) || value.includes(': ') || value.endsWith(':')) outside();
    if (context === 'flow' && FLOW_REFUSED.test(value)) outside();
    const kind = resolvePlain(value);
    if (kind === 'float' && isSpecialFloat(value)) outside();
    this.end = end;
    this.table.scalar(kind, value, line, column);
  }

  flowSeq(open: number, lineIndex: number): void {
    const lineEnd = this.lineEnd(lineIndex);
    let p = skipSpaces(this.text, open + 1);
    if (this.code(p) !== CLOSE_BRACKET) {
      for (;;) {
        if (p >= lineEnd) outside();
        this.inline(p, lineIndex, 'flow');
        p = skipSpaces(this.text, this.end);
        const c = this.code(p);
        if (c === CLOSE_BRACKET) break;
        if (c !== COMMA) outside();
        p = skipSpaces(this.text, p + 1);
        if (p >= lineEnd || this.code(p) === CLOSE_BRACKET) outside();
      }
    }
    if (p >= lineEnd) outside();
    this.end = p + 1;
    this.endLine = lineIndex;
  }

  /** After a value: nothing, or spaces and a comment. */
  trailing(from: number, lineEnd: number): void {
    if (from >= lineEnd) return;
    if (this.code(from) !== SPACE) outside();
    const p = skipSpaces(this.text, from);
    if (p < lineEnd && this.code(p) !== HASH) outside();
  }

  /** Skips blank lines and comment lines. */
  skipTrivia(): void {
    while (this.at < this.lineCount) {
      const p = skipSpaces(this.text, this.lineStart(this.at));
      if (p < this.lineEnd(this.at) && this.code(p) !== HASH) return;
      this.at++;
    }
  }
}

const NULL_NODE: GoScalar = { type: 'scalar', kind: 'null', text: '', line: 0, column: 0 };
