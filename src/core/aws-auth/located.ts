import type { PlainItem } from './items.ts';
import type { GoNode } from './yaml-reader.ts';

/**
 * A mapRoles/mapUsers value read together with where each item sits in the text, so an edit can splice one item
 * and leave every other byte alone. Produced by the fast scanner (fast-scan.ts) or the `yaml`-based locator
 * (locate-yaml.ts).
 */
export type GroupsStyle =
  /** `groups:` then `- g` lines, `offset` columns right of the field names (0 is the compact form eksctl writes). */
  { kind: 'block'; offset: number } | { kind: 'flow' };

export type ListLayout =
  /** No items yet (nothing, or only comments): new items are appended. */
  | { kind: 'empty' }
  /** The value is a YAML null (`~`, `null`): new items replace it. */
  | { kind: 'null' }
  /** `seqIndent`: column of each item's `-`; `fieldOffset`: from the `-` to the field names. */
  | { kind: 'block'; seqIndent: number; fieldOffset: number; groups: GroupsStyle }
  /** A flow list: `start`/`end` delimit its `[...]`, which an edit rewrites around the items' own text. */
  | { kind: 'flow'; start: number; end: number };

export type LocatedItem = {
  /** Position in the list, as `index` of the parsed entries. */
  index: number;
  /** 1-based line of the item (of its first field), as `line` of the parsed entries. */
  line: number;
  /** The item as `readYaml` reads it; absent when the fast scanner read a plain item straight into `plain`. */
  node?: GoNode;
  plain?: PlainItem;
  /** Offset of the start of the line holding the item's `-` (block lists). */
  lineStart: number;
  /** Offset of the item's `-` (block lists) or of the item itself (flow lists). */
  start: number;
  /** Offset just after the item's last value (a trailing comment on that line is not included). */
  contentEnd: number;
  /** Offset just after the newline ending the item's last line (block lists). */
  lineEnd: number;
  /** False when splicing this item could break the document (an anchor other items may use, an odd layout). */
  isEditable: boolean;
};

export type LocatedList = {
  /**
   * The value as `readYaml` reads it. The fast scanner sets it only when asked for trees (no list to decode
   * for); otherwise the items carry their content.
   */
  root: GoNode | undefined;
  items: readonly LocatedItem[];
  layout: ListLayout;
  /** False when text after the list (a document end, a second document) would swallow appended items. */
  canAppend: boolean;
};
