import { foldArn } from '../identity/canonical.ts';
import { entryArn } from './document.ts';
import { arnRefusal, type EditRefusal, itemRefusal } from './edit-validate.ts';
import { type BlockStyle, blockItem, DEFAULT_BLOCK_STYLE, flowItem, type ItemField } from './emit.ts';
import { foldFieldName } from './items.ts';
import { locateList } from './locate-yaml.ts';
import type { LocatedItem, LocatedList } from './located.ts';
import { isNodeEntry } from './nodes.ts';
import type { AwsAuthEntry, MappingList } from './types.ts';

/** What a role or user item maps: always an explicit username and groups, and the canonical ARN. */
export interface AwsAuthItem {
  kind: 'role' | 'user';
  /** A role ARN without path, or a user ARN (with its path, if any). Never an STS session ARN. */
  arn: string;
  username: string;
  groups: readonly string[];
}

/** Where an item sat in the key's text before the edit (1-based line); none for items added in the batch. */
export type ItemRef = { index?: number; line?: number };
export type Mapping = { arn: string; username: string; groups: readonly string[] };

export type ListOpResult =
  | { status: 'applied'; change: 'added'; item: AwsAuthItem }
  | { status: 'applied'; change: 'updated'; item: AwsAuthItem; previous: Mapping; at: ItemRef; shadowed: ItemRef[] }
  /** Every item with the ARN is removed (`removed`): the winner and the duplicates it shadowed. */
  | { status: 'applied'; change: 'removed'; previous: Mapping; removed: ItemRef[] }
  | { status: 'unchanged'; current?: Mapping; shadowed: ItemRef[] }
  | ({ status: 'refused' } & EditRefusal);

/** An item's original text put back verbatim, with the mapping that text holds (checked after the write). */
type RestoredText = { text: string; mapping: Mapping };
type SlotState = 'keep' | 'delete' | AwsAuthItem | RestoredText;
type Slot =
  | { origin: 'text'; at: LocatedItem; entry: AwsAuthEntry | undefined; state: SlotState }
  | { origin: 'new'; state: SlotState };

/**
 * What `restoreItem` puts back: the principal's original item text (spliced over the item as it is now, so its
 * place, comments, spelling and unknown fields return byte for byte), or nothing (the grant added the item).
 * `emptyValue` is the whole list value as it was when it held no item (null: the key was absent), put back when
 * the removal leaves the list empty; `lacksFinalNewline` drops the newline an append had to add.
 */
export type RestoreTarget =
  | { kind: 'text'; text: string; mapping: Mapping }
  | { kind: 'absent'; emptyValue?: string | null; lacksFinalNewline?: boolean };

/**
 * One mapRoles or mapUsers value being edited: ops apply in order against a model of the items (so a batch sees
 * its own earlier ops), and `render` splices only the items that changed into the original text.
 */
export class ListEdit {
  readonly list: MappingList;
  readonly text: string;
  readonly located: LocatedList;
  readonly slots: Slot[];
  readonly added: Slot[] = [];
  readonly byKey = new Map<string, Slot[]>();
  isChanged = false;
  /** Set by a `restoreItem` to absent: how the list looked before the grant added its only item. */
  private emptied: { emptyValue?: string | null; lacksFinalNewline?: boolean } | undefined;

  /** `keys[i]` is `entryKey(entries[i])` (the parse computed them). */
  constructor(
    list: MappingList,
    text: string,
    located: LocatedList,
    entries: readonly AwsAuthEntry[],
    keys: readonly string[],
  ) {
    this.list = list;
    this.text = text;
    this.located = located;
    const byIndex = new Map<number, number>();
    entries.forEach((entry, position) => {
      byIndex.set(entry.index, position);
    });
    this.slots = located.items.map((at) => {
      const position = byIndex.get(at.index);
      const entry = position === undefined ? undefined : entries[position];
      const slot: Slot = { origin: 'text', at, entry, state: 'keep' };
      if (position !== undefined) this.index(keys[position] ?? '', slot);
      return slot;
    });
  }

  upsert(item: AwsAuthItem): ListOpResult {
    const refusal = itemRefusal(item);
    if (refusal !== undefined) return { status: 'refused', ...refusal };
    const live = this.live(foldArn(item.arn));
    const winner = live.at(-1);
    if (winner === undefined) {
      if (!this.located.canAppend) return unsupported('text after the list would swallow a new item');
      const slot: Slot = { origin: 'new', state: item };
      this.added.push(slot);
      this.index(foldArn(item.arn), slot);
      this.isChanged = true;
      return { status: 'applied', change: 'added', item };
    }
    const blocked = this.protectedRefusal(live, [winner]);
    if (blocked !== undefined) return blocked;
    const previous = mappingOf(winner);
    const shadowed = live.slice(0, -1).map(refOf);
    if (sameMapping(previous, item)) return { status: 'unchanged', current: previous, shadowed };
    winner.state = item;
    this.isChanged = true;
    return { status: 'applied', change: 'updated', item, previous, at: refOf(winner), shadowed };
  }

  remove(kind: 'role' | 'user', arn: string): ListOpResult {
    const refusal = arnRefusal(kind, arn, 'remove');
    if (refusal !== undefined) return { status: 'refused', ...refusal };
    const live = this.live(foldArn(arn));
    const winner = live.at(-1);
    if (winner === undefined) return { status: 'unchanged', shadowed: [] };
    const blocked = this.protectedRefusal(live, live);
    if (blocked !== undefined) return blocked;
    for (const slot of live) slot.state = 'delete';
    this.isChanged = true;
    return { status: 'applied', change: 'removed', previous: mappingOf(winner), removed: live.map(refOf) };
  }

  /**
   * Puts the principal's item back as it was before a grant: only when the item the authenticator uses maps
   * exactly `expect` now (what the bot wrote); anything else is someone else's change and is refused
   * (`item_changed`), never overwritten.
   */
  restoreItem(kind: 'role' | 'user', arn: string, expect: Mapping, to: RestoreTarget): ListOpResult {
    const refusal = arnRefusal(kind, arn, 'remove');
    if (refusal !== undefined) return { status: 'refused', ...refusal };
    const live = this.live(foldArn(arn));
    const winner = live.at(-1);
    if (winner === undefined || !sameMapping(mappingOf(winner), expect)) {
      const found = winner === undefined ? 'no item' : describeMapping(mappingOf(winner));
      const reason = `the item changed since eks-access wrote it (expected ${describeMapping(expect)}, found ${found})`;
      return { status: 'refused', code: 'item_changed', reason };
    }
    const blocked = this.protectedRefusal(live, to.kind === 'text' ? [winner] : live);
    if (blocked !== undefined) return blocked;
    const previous = mappingOf(winner);
    if (to.kind === 'absent') {
      for (const slot of live) slot.state = 'delete';
      this.emptied = { ...to };
      this.isChanged = true;
      return { status: 'applied', change: 'removed', previous, removed: live.map(refOf) };
    }
    if (winner.origin !== 'text' || !isOneItem(to.text, this.located, winner.at)) {
      return unsupported('the original item text does not read back as one item in this place');
    }
    winner.state = { text: to.text, mapping: to.mapping };
    this.isChanged = true;
    const item: AwsAuthItem = { kind, arn, username: to.mapping.username, groups: to.mapping.groups };
    return {
      status: 'applied',
      change: 'updated',
      item,
      previous,
      at: refOf(winner),
      shadowed: live.slice(0, -1).map(refOf),
    };
  }

  /** Node items are never changed, nor shadowed differently; spliced items must be safe to splice. */
  private protectedRefusal(live: readonly Slot[], touched: readonly Slot[]): ListOpResult | undefined {
    const node = live.find((slot) => slot.origin === 'text' && slot.entry !== undefined && isNodeEntry(slot.entry));
    if (node?.origin === 'text') {
      const reason = 'the ARN has a node, Fargate or Windows item; it is never changed or removed';
      return { status: 'refused', code: 'node_entry', reason, line: node.at.line };
    }
    const stuck = touched.find((slot) => slot.origin === 'text' && !slot.at.isEditable);
    if (stuck?.origin === 'text') {
      const reason = 'the item carries an anchor other items may use, or an odd layout';
      return { status: 'refused', code: 'layout_unsupported', reason, line: stuck.at.line };
    }
    return undefined;
  }

  /** The new value of the list; undefined when the key is to be removed (it was absent before the grant). */
  render(): string | undefined {
    if (!this.isChanged) return this.text;
    const rendered = this.renderList();
    const emptied = this.emptied;
    if (emptied === undefined) return rendered;
    const isEmpty =
      this.added.every((slot) => slot.state === 'delete') && this.slots.every((s) => s.state === 'delete');
    if (isEmpty && emptied.emptyValue !== undefined) return emptied.emptyValue ?? undefined;
    return emptied.lacksFinalNewline && rendered.endsWith('\n') && !this.text.endsWith('\n\n')
      ? rendered.slice(0, -1)
      : rendered;
  }

  private renderList(): string {
    const { layout } = this.located;
    if (layout.kind === 'flow') return this.renderFlow(layout.start, layout.end);
    const style: BlockStyle = layout.kind === 'block' ? layout : DEFAULT_BLOCK_STYLE;
    const parts: string[] = [];
    let cursor = 0;
    for (const slot of this.slots) {
      if (slot.origin !== 'text' || slot.state === 'keep') continue;
      if (slot.state === 'delete') {
        parts.push(this.text.slice(cursor, slot.at.lineStart));
        cursor = slot.at.lineEnd;
      } else if ('text' in slot.state) {
        parts.push(this.text.slice(cursor, slot.at.start), slot.state.text);
        cursor = slot.at.contentEnd;
      } else {
        // Written from the item's own `-`, its other lines indented to match.
        const column = slot.at.start - slot.at.lineStart;
        parts.push(this.text.slice(cursor, slot.at.start));
        parts.push(blockItem(this.fieldsOf(slot.state, slot), { ...style, seqIndent: column }).slice(column));
        cursor = slot.at.contentEnd;
      }
    }
    const base = layout.kind === 'null' ? '' : parts.join('') + this.text.slice(cursor);
    const added = this.added.flatMap((slot) => (isItem(slot.state) ? [slot.state] : []));
    if (added.length === 0) return base;
    const lines = added.map((item) => `${blockItem(this.fieldsOf(item, undefined), style)}\n`).join('');
    return base === '' || base.endsWith('\n') ? base + lines : `${base}\n${lines}`;
  }

  private renderFlow(start: number, end: number): string {
    const items: string[] = [];
    for (const slot of [...this.slots, ...this.added]) {
      if (slot.state === 'delete') continue;
      if (isItem(slot.state)) items.push(flowItem(this.fieldsOf(slot.state, slot)));
      else if (typeof slot.state === 'object') items.push(slot.state.text);
      else if (slot.origin === 'text') items.push(this.text.slice(slot.at.start, slot.at.contentEnd));
    }
    return `${this.text.slice(0, start)}[${items.join(', ')}]${this.text.slice(end)}`;
  }

  /** The canonical fields, then every other field the item had (`userid`, unknown ones) with its value. */
  private fieldsOf(item: AwsAuthItem, slot: Slot | undefined): ItemField[] {
    const fields: ItemField[] = [
      { key: this.list === 'mapRoles' ? 'rolearn' : 'userarn', value: { kind: 'string', text: item.arn } },
      { key: 'username', value: { kind: 'string', text: item.username } },
      { key: 'groups', value: { kind: 'strings', items: item.groups } },
    ];
    const at = slot?.origin === 'text' ? slot.at : undefined;
    const known = new Set(fields.map((field) => field.key));
    if (at?.node?.type === 'map') {
      for (const [key, value] of at.node.entries) {
        if (!known.has(foldFieldName(key))) fields.push({ key, value: { kind: 'node', node: value } });
      }
    }
    // A plain item's only other possible field is a string (`userid`).
    for (const key of at?.plain?.keys ?? []) {
      const text = at?.plain?.strings[key];
      if (!known.has(key) && text !== undefined) fields.push({ key, value: { kind: 'string', text } });
    }
    return fields;
  }

  private live(key: string): Slot[] {
    return (this.byKey.get(key) ?? []).filter((slot) => slot.state !== 'delete');
  }

  private index(key: string, slot: Slot): void {
    const slots = this.byKey.get(key);
    if (slots === undefined) this.byKey.set(key, [slot]);
    else slots.push(slot);
  }
}

function unsupported(reason: string): ListOpResult {
  return { status: 'refused', code: 'layout_unsupported', reason };
}

function refOf(slot: Slot): ItemRef {
  return slot.origin === 'text' ? { index: slot.at.index, line: slot.at.line } : {};
}

function isItem(state: SlotState): state is AwsAuthItem {
  return typeof state === 'object' && !('text' in state);
}

function mappingOf(slot: Slot): Mapping {
  if (typeof slot.state === 'object') return 'text' in slot.state ? slot.state.mapping : slot.state;
  const entry = slot.origin === 'text' ? slot.entry : undefined;
  return entry === undefined
    ? { arn: '', username: '', groups: [] }
    : { arn: entryArn(entry), username: entry.username, groups: entry.groups };
}

function describeMapping(mapping: Mapping): string {
  return `username ${JSON.stringify(mapping.username)}, groups [${mapping.groups.map((g) => JSON.stringify(g)).join(', ')}]`;
}

/**
 * Whether `text`, put where `at` is, reads as exactly one item: the restored text comes from the request record,
 * and must not smuggle in a second item or break the list around it.
 */
function isOneItem(text: string, located: LocatedList, at: LocatedItem): boolean {
  const column = at.start - at.lineStart;
  const probe = located.layout.kind === 'flow' ? `[${text}]` : `${' '.repeat(column)}${text}\n`;
  const outcome = locateList(probe);
  return outcome.ok && outcome.list.items.length === 1;
}

// The same mapping for the authenticator and RBAC: ARN ignoring case, exact username, the same set of groups.
function sameMapping(current: Mapping, wanted: Mapping): boolean {
  if (foldArn(current.arn) !== foldArn(wanted.arn) || current.username !== wanted.username) return false;
  const have = new Set(current.groups);
  const want = new Set(wanted.groups);
  return have.size === want.size && [...want].every((group) => have.has(group));
}
