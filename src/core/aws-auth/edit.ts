import { isSkippable, type LocatedAwsAuth, type ParsedAwsAuth, parseAwsAuthLocated } from './document.ts';
import {
  type AwsAuthItem,
  type ItemRef,
  ListEdit,
  type ListOpResult,
  type Mapping,
  type RestoreTarget,
} from './edit-list.ts';
import type { EditRefusalCode } from './edit-validate.ts';
import { locateList } from './locate-yaml.ts';
import type { AwsAuthEntry, MappingList } from './types.ts';

export type { AwsAuthItem, ItemRef, Mapping, RestoreTarget } from './edit-list.ts';
export type { EditRefusalCode } from './edit-validate.ts';

/**
 * The write side of the aws-auth document: applies a batch of upserts and removals (from many requests) to the
 * ConfigMap's `data` and returns the new `data` for one write, with each op's own outcome.
 *
 * Lossless by construction: only `mapRoles` and/or `mapUsers` are re-rendered, and only when an op changed them;
 * every other data key (`mapAccounts`, unknown and wrong-case keys) is copied as is. Inside a changed key, only
 * the items an op touched are spliced; every other byte (other items, their unknown fields and odd key
 * spellings, comments, blank lines, order) stays. New items go at the end, in the key's own indentation style.
 *
 * Rules:
 * - Items are written with the ARN as given, which must be canonical: a role ARN without path or a user ARN.
 *   Session ARNs, pathed role ARNs, root and federated users are refused, never rewritten silently.
 * - An upsert of an ARN already present (ignoring case) edits the item the authenticator uses, the last one, in
 *   place, and reports the duplicates it shadows. That item is rewritten in canonical form (`rolearn`/`userarn`,
 *   `username`, `groups`, then its other fields such as `userid` with their values; comments inside it go).
 *   If the mapping is already so (same username, same set of groups), the op is `unchanged`: nothing is written.
 * - A removal removes every item with that ARN: removing only the winner would bring the shadowed duplicate
 *   back to life, so the revoked principal would keep (possibly more) access. `removed` lists them all.
 * - Node, Fargate and Windows items are never changed or removed, nor are items with the same ARN as one.
 * - `system:masters`, other `system:` names, empty usernames and empty group lists are refused.
 * - A key that does not parse is not touched: its ops are refused with `key_unparseable`.
 * - A `restore_item` puts a principal's item back as it was before a grant (its original text, spliced over the
 *   item the authenticator uses, or no item at all), only when that item maps exactly `expect` now: anything
 *   else is someone else's change, refused with `item_changed` and never overwritten.
 * Values are emitted plain only when harmless, otherwise as one-line double-quoted ASCII (see emit.ts).
 * The safety check (safety.ts) re-parses the result before anything is written.
 */
export type AwsAuthOp =
  | { op: 'upsert'; id: string; item: AwsAuthItem }
  | { op: 'remove'; id: string; kind: 'role' | 'user'; arn: string }
  | { op: 'restore_item'; id: string; kind: 'role' | 'user'; arn: string; expect: Mapping; to: RestoreTarget };

export type OpResult = { id: string; op: AwsAuthOp['op']; list: MappingList; arn: string } & (
  | { status: 'applied'; change: 'added'; item: AwsAuthItem }
  | { status: 'applied'; change: 'updated'; item: AwsAuthItem; previous: Mapping; at: ItemRef; shadowed: ItemRef[] }
  | { status: 'applied'; change: 'removed'; previous: Mapping; removed: ItemRef[] }
  | { status: 'unchanged'; current?: Mapping; shadowed: ItemRef[] }
  | { status: 'refused'; code: EditRefusalCode; reason: string; line?: number }
);

export interface EditOutcome {
  /** The whole new `data`, every key in its original order (a created key last). */
  data: Record<string, string>;
  /** False when every op was unchanged or refused: then `data` equals the input and there is nothing to write. */
  changed: boolean;
  changedKeys: readonly MappingList[];
  /** One per op, in op order. */
  results: readonly OpResult[];
  /** The parse of the input `data` this edit made; pass it on to `checkAwsAuthChange` to spare a second parse. */
  parsedBefore: ParsedAwsAuth;
}

export function editAwsAuth(data: Readonly<Record<string, string>>, ops: readonly AwsAuthOp[]): EditOutcome {
  const parsedBefore = parseAwsAuthLocated(data);
  const edits = new Map<MappingList, ListEdit | ListOpResult>();
  const results = ops.map((op): OpResult => {
    const list: MappingList = (op.op === 'upsert' ? op.item.kind : op.kind) === 'role' ? 'mapRoles' : 'mapUsers';
    const arn = op.op === 'upsert' ? op.item.arn : op.arn;
    let edit = edits.get(list);
    if (edit === undefined) {
      edit = openList(parsedBefore, list);
      edits.set(list, edit);
    }
    const base = { id: op.id, op: op.op, list, arn };
    if (!(edit instanceof ListEdit)) return { ...base, ...edit };
    return { ...base, ...applyOp(edit, op) };
  });
  const out: Record<string, string> = { ...data };
  const changedKeys: MappingList[] = [];
  for (const [list, edit] of edits) {
    if (!(edit instanceof ListEdit) || !edit.isChanged) continue;
    const rendered = edit.render();
    // A restore that empties a list which was absent before the grant removes the key again.
    if (rendered === undefined) delete out[list];
    else out[list] = rendered;
    changedKeys.push(list);
  }
  // Without the located lists: the check needs only the document, and keeping the item trees alive costs GC time.
  const { located: _, ...parsed } = parsedBefore;
  return { data: out, changed: changedKeys.length > 0, changedKeys, results, parsedBefore: parsed };
}

function applyOp(edit: ListEdit, op: AwsAuthOp): ListOpResult {
  switch (op.op) {
    case 'upsert':
      return edit.upsert(op.item);
    case 'remove':
      return edit.remove(op.kind, op.arn);
    case 'restore_item':
      return edit.restoreItem(op.kind, op.arn, op.expect, op.to);
  }
}

function openList(parsed: LocatedAwsAuth, list: MappingList): ListEdit | ListOpResult {
  const state = parsed.document.keys[list];
  if (state.status === 'failed') return unparseable(state.error.message, state.error.line);
  const value = parsed.data[list];
  // Absent and skippable values (`""`, whitespace) hold no items; an edit replaces them.
  const text = typeof value !== 'string' || isSkippable(value) ? '' : value;
  let located = parsed.located[list];
  if (located === undefined) {
    const outcome = locateList(text);
    if (!outcome.ok) return unparseable(outcome.error.message, outcome.error.line);
    located = outcome.list;
  }
  const entries: readonly AwsAuthEntry[] = parsed.document[list];
  return new ListEdit(list, text, located, entries, parsed.entryKeys[list]);
}

function unparseable(message: string, line: number): ListOpResult {
  return { status: 'refused', code: 'key_unparseable', reason: message, line };
}
