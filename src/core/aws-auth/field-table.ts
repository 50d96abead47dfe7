import type { PlainItem } from './items.ts';
import type { MappingList } from './types.ts';
import type { GoMap, GoNode, GoScalar } from './yaml-reader.ts';

const NO_KEYS: readonly string[] = [];
/** Field shapes: one scalar, or a list of scalars. */
export const SCALAR = 0;
export const SEQ = 1;

/**
 * One item's fields as read, before deciding between a plain item and a tree: per field its key and either one
 * scalar or a run of scalars (a list); scalars in parallel columns. Reused for every item (reset, never shared
 * across scans: a scan never yields while it holds one).
 */
export class FieldTable {
  // Columns grow once and are then overwritten in place: resetting their lengths would free and regrow them.
  fieldCount = 0;
  scalarCount = 0;
  keys: string[] = [];
  shapes: number[] = [];
  firsts: number[] = [];
  counts: number[] = [];
  lines: number[] = [];
  columns: number[] = [];
  flows: boolean[] = [];
  kinds: GoScalar['kind'][] = [];
  texts: string[] = [];
  scalarLines: number[] = [];
  scalarColumns: number[] = [];

  reset(): void {
    this.fieldCount = 0;
    this.scalarCount = 0;
  }

  /** Drops the strings it holds (slices that would keep the whole scanned text alive). */
  release(): void {
    this.reset();
    this.keys.length = 0;
    this.texts.length = 0;
  }

  scalar(kind: GoScalar['kind'], text: string, line: number, column: number): void {
    const at = this.scalarCount++;
    this.kinds[at] = kind;
    this.texts[at] = text;
    this.scalarLines[at] = line;
    this.scalarColumns[at] = column;
  }

  field(key: string, shape: number, first: number, line: number, column: number, isFlow: boolean): void {
    const f = this.fieldCount++;
    this.keys[f] = key;
    this.shapes[f] = shape;
    this.firsts[f] = first;
    this.counts[f] = this.scalarCount - first;
    this.lines[f] = line;
    this.columns[f] = column;
    this.flows[f] = isFlow;
  }

  scalarNode(at: number): GoScalar {
    const kind = this.kinds[at] ?? 'null';
    const text = this.texts[at] ?? '';
    return { type: 'scalar', kind, text, line: this.scalarLines[at] ?? 0, column: this.scalarColumns[at] ?? 0 };
  }

  /** The value of field `f` as readYaml builds it. */
  node(f: number): GoNode {
    const first = this.firsts[f] ?? 0;
    if (this.shapes[f] === SCALAR) return this.scalarNode(first);
    const items: GoNode[] = [];
    for (let i = first; i < first + (this.counts[f] ?? 0); i++) items.push(this.scalarNode(i));
    return { type: 'seq', items, line: this.lines[f] ?? 0, column: this.columns[f] ?? 0 };
  }

  /** The fields as a plain item for `list`, or undefined when any field is unusual (then the tree decides). */
  plain(list: MappingList): PlainItem | undefined {
    const known = list === 'mapRoles' ? ROLE_FIELDS : USER_FIELDS;
    const strings: Record<string, string> = {};
    let groups: string[] | undefined;
    for (let f = 0; f < this.fieldCount; f++) {
      const key = this.keys[f] ?? '';
      const first = this.firsts[f] ?? 0;
      if (!known.has(key)) return undefined;
      if (key === 'groups') {
        if (this.shapes[f] !== SEQ || groups !== undefined) return undefined;
        groups = [];
        for (let i = first; i < first + (this.counts[f] ?? 0); i++) {
          if (this.kinds[i] !== 'str') return undefined;
          groups.push(this.texts[i] ?? '');
        }
      } else {
        if (this.shapes[f] !== SCALAR || this.kinds[first] !== 'str' || strings[key] !== undefined) return undefined;
        strings[key] = this.texts[first] ?? '';
      }
    }
    if (!strings[list === 'mapRoles' ? 'rolearn' : 'userarn']) return undefined;
    return { keys: this.keys.slice(0, this.fieldCount), strings, groups };
  }

  /** The fields as the mapping readYaml builds: later duplicates win, first position kept. */
  map(line: number, column: number): GoMap {
    const entries = new Map<string, GoNode>();
    let repeatedKeys = NO_KEYS as string[];
    for (let f = 0; f < this.fieldCount; f++) {
      const key = this.keys[f] ?? '';
      if (entries.has(key)) {
        if (repeatedKeys === NO_KEYS) repeatedKeys = [];
        repeatedKeys.push(key);
      }
      entries.set(key, this.node(f));
    }
    return { type: 'map', entries, repeatedKeys, line, column };
  }
}

const ROLE_FIELDS: ReadonlySet<string> = new Set(['rolearn', 'username', 'groups', 'userid']);
const USER_FIELDS: ReadonlySet<string> = new Set(['userarn', 'username', 'groups', 'userid']);
/** The one table scans use (they run synchronously, one at a time). */
export const TABLE = new FieldTable();
