import type { Document, DocumentOptions, ParseOptions, SchemaOptions, Node as YamlNode } from 'yaml';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { type GoScalarKind, goInteger, isBoolTrue, isSpecialFloat, resolvePlain } from './go-scalars.ts';

/**
 * Reads one aws-auth data value the way gopkg.in/yaml.v2 decodes it into interface{}: scalars typed by YAML 1.1
 * rules, later duplicate keys winning, `<<` merge keys applied, aliases expanded. The `yaml` package only parses:
 * the failsafe schema keeps every scalar a string (no tag ever constructs an object), and aliases are expanded
 * here under a small budget, so a billion-laughs document fails fast instead of exhausting memory.
 */
export type GoScalar = { type: 'scalar'; kind: GoScalarKind; text: string; line: number; column: number };
export type GoMap = {
  type: 'map';
  /** Keys as JSON would spell them; insertion order is first appearance, values are the last ones written. */
  entries: ReadonlyMap<string, GoNode>;
  /** Keys written more than once (yaml.v2 keeps the last silently). */
  repeatedKeys: readonly string[];
  line: number;
  column: number;
};
export type GoSeq = { type: 'seq'; items: readonly GoNode[]; line: number; column: number };
export type GoNode = GoScalar | GoMap | GoSeq;

/** A problem located in the key's own string: 1-based line and column. */
export type YamlProblem = { message: string; line: number; column: number };

export type ReaderNote =
  | { code: 'custom_tag'; tag: string; line: number; column: number }
  | { code: 'extra_documents'; line: number; column: number };

export type ReadResult =
  | { ok: true; root: GoNode | undefined; notes: readonly ReaderNote[] }
  | { ok: false; error: YamlProblem; notes: readonly ReaderNote[] };

/**
 * `json` mode adds what sigs.k8s.io/yaml's YAML-to-JSON step refuses (mapRoles, mapUsers): map keys that are not
 * strings, numbers or booleans, and infinite or NaN floats. `plain` mode is yaml.v2 alone (mapAccounts).
 */
export type ReadMode = 'json' | 'plain';

/** Aliases may expand into at most this many nodes; aws-auth needs none, so the bound only has to stop abuse. */
export const MAX_ALIAS_EXPANSION = 10_000;
/** aws-auth needs four levels; the bound keeps deep nesting from exhausting the stack. */
export const MAX_DEPTH = 64;

// YAML 1.1 like yaml.v2; failsafe so no tag constructs anything; duplicate keys allowed (yaml.v2 keeps the last).
export const YAML_PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  schema: 'failsafe',
  customTags: null,
  merge: false,
  uniqueKeys: false,
  prettyErrors: false,
  strict: true,
};

class ReadFailure extends Error {
  readonly problem: YamlProblem;
  constructor(problem: YamlProblem) {
    super(problem.message);
    this.problem = problem;
  }
}

type Position = { line: number; column: number };

type State = {
  mode: ReadMode;
  lineCounter: LineCounter;
  anchors: Map<string, YamlNode>;
  active: Set<YamlNode>;
  aliasDepth: number;
  aliasNodes: number;
  notes: ReaderNote[];
};

export function readYaml(source: string, mode: ReadMode): ReadResult {
  const lineCounter = new LineCounter();
  const notes: ReaderNote[] = [];
  try {
    const docs = parseAllDocuments(source, { ...YAML_PARSE_OPTIONS, lineCounter });
    const doc = docs[0];
    if (doc === undefined) return { ok: true, root: undefined, notes };
    const error = doc.errors[0];
    if (error !== undefined) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return { ok: false, error: { message: error.message, line, column: col }, notes };
    }
    const second = docs[1];
    if (second !== undefined) notes.push({ code: 'extra_documents', ...position(lineCounter, second.range[0]) });
    const state: State = {
      mode,
      lineCounter,
      anchors: new Map(),
      active: new Set(),
      aliasDepth: 0,
      aliasNodes: 0,
      notes,
    };
    const root = doc.contents === null ? undefined : convert(state, doc, doc.contents, 0, { line: 1, column: 1 });
    return { ok: true, root, notes };
  } catch (error) {
    if (error instanceof ReadFailure) return { ok: false, error: error.problem, notes };
    // The parser itself can run out of stack on absurd nesting; report it like a syntax error.
    const message = error instanceof Error ? error.message : 'unreadable YAML';
    return { ok: false, error: { message: `the YAML could not be read: ${message}`, line: 1, column: 1 }, notes };
  }
}

function convert(state: State, doc: Document, node: unknown, depth: number, at: Position): GoNode {
  if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`, at);
  if (state.aliasDepth > 0 && ++state.aliasNodes > MAX_ALIAS_EXPANSION) {
    fail('document contains excessive aliasing', at);
  }
  if (node === null || node === undefined) return { type: 'scalar', kind: 'null', text: '', ...at };
  if (isAlias(node)) return expandAlias(state, doc, node.source, depth, positionOf(state, node, at));
  if (!isScalar(node) && !isMap(node) && !isSeq(node)) fail('unsupported YAML node', at);
  const here = positionOf(state, node, at);
  if (node.anchor !== undefined && state.aliasDepth === 0) state.anchors.set(node.anchor, node);
  state.active.add(node);
  try {
    if (isScalar(node)) return scalar(state, node.value, node.type, node.tag, here);
    if (isSeq(node)) {
      const items = node.items.map((item) => convert(state, doc, item, depth + 1, here));
      return { type: 'seq', items, ...here };
    }
    return mapping(state, doc, node.items, depth, here);
  } finally {
    state.active.delete(node);
  }
}

function expandAlias(state: State, doc: Document, name: string, depth: number, at: Position): GoNode {
  const target = state.anchors.get(name);
  if (target === undefined) fail(`unknown anchor '${name}' referenced`, at);
  if (state.active.has(target)) fail(`anchor '${name}' value contains itself`, at);
  state.aliasDepth++;
  try {
    return { ...convert(state, doc, target, depth + 1, at), line: at.line, column: at.column };
  } finally {
    state.aliasDepth--;
  }
}

type PairLike = { key: unknown; value: unknown };

function mapping(state: State, doc: Document, pairs: readonly PairLike[], depth: number, at: Position): GoMap {
  const entries = new Map<string, GoNode>();
  const repeatedKeys: string[] = [];
  for (const pair of pairs) {
    const keyAt = isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) ? positionOf(state, pair.key, at) : at;
    if (isMergeKey(pair.key)) {
      merge(entries, convert(state, doc, pair.value, depth + 1, keyAt), keyAt);
      continue;
    }
    const key = keyString(state, convert(state, doc, pair.key, depth + 1, keyAt), keyAt);
    const value = convert(state, doc, pair.value, depth + 1, keyAt);
    if (entries.has(key)) repeatedKeys.push(key);
    entries.set(key, value);
  }
  return { type: 'map', entries, repeatedKeys, ...at };
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.type === 'PLAIN' && key.tag === undefined && key.value === '<<';
}

// yaml.v2 merges in order (later keys overwrite); in a list of maps, earlier maps take precedence.
function merge(entries: Map<string, GoNode>, value: GoNode, at: Position): void {
  const sources = value.type === 'seq' ? [...value.items].reverse() : [value];
  for (const source of sources) {
    if (source.type !== 'map') fail('map merge requires map or sequence of maps as the value', at);
    for (const [key, item] of source.entries) entries.set(key, item);
  }
}

function keyString(state: State, key: GoNode, at: Position): string {
  if (key.type !== 'scalar') {
    if (state.mode === 'json') fail('a mapping key is itself a list or mapping', at);
    return JSON.stringify(key);
  }
  if (state.mode === 'plain') return key.text;
  switch (key.kind) {
    case 'str':
      return key.text;
    case 'bool':
      return isBoolTrue(key.text) ? 'true' : 'false';
    case 'int':
      return (goInteger(key.text) ?? 0n).toString();
    case 'float':
      return key.text;
    case 'null':
      return fail('a mapping key is null', at);
  }
}

function scalar(state: State, value: unknown, style: string | undefined, tag: string | undefined, at: Position) {
  const text = typeof value === 'string' ? value : String(value ?? '');
  const kind = scalarKind(state, text, style, tag, at);
  if (state.mode === 'json' && kind === 'float' && isSpecialFloat(text)) {
    fail(`${text} cannot be converted to JSON`, at);
  }
  return { type: 'scalar', kind, text, ...at } satisfies GoScalar;
}

const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';

function scalarKind(state: State, text: string, style: string | undefined, tag: string | undefined, at: Position) {
  if (tag !== undefined && tag !== '!') {
    if (!tag.startsWith(YAML_TAG_PREFIX)) {
      state.notes.push({ code: 'custom_tag', tag, ...at });
      return 'str';
    }
    const name = tag.slice(YAML_TAG_PREFIX.length);
    if (name === 'null' || name === 'bool' || name === 'int' || name === 'float') return name;
    return 'str';
  }
  if (tag === '!' || style !== 'PLAIN') return 'str';
  return resolvePlain(text);
}

function positionOf(state: State, node: { range?: readonly number[] | null }, fallback: Position): Position {
  const offset = node.range?.[0];
  return offset === undefined ? fallback : position(state.lineCounter, offset);
}

function position(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function fail(message: string, at: Position): never {
  throw new ReadFailure({ message, ...at });
}
