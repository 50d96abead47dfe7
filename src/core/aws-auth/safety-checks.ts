import { foldArn } from '../identity/canonical.ts';
import { entryArn, type ParsedAwsAuth } from './document.ts';
import { type DocumentProblem, dataBytes, isAwsAuthKey, sameRaw } from './document-health.ts';
import type { AwsAuthOp } from './edit.ts';
import { arnRefusal, isMasters, itemRefusal } from './edit-validate.ts';
import { CLUSTER_ADMIN_GROUP } from './levels.ts';
import { adminGroups, isNodeEntry } from './nodes.ts';
import { looksLikeAdminPrincipal, principalKey } from './principals.ts';
import type { AwsAuthDocument, AwsAuthEntry, MappingList } from './types.ts';

// The individual checks of `checkAwsAuthChange` (safety.ts), each passed or failed with a detail. They read both
// documents through a View, entries with their keys computed once: the checks run over thousands of items.

export type SafetyCode =
  /** The current ConfigMap has an error (syntax, wrong-case data key, invalid item): urgent, nothing is written. */
  | 'aws_auth_unparseable'
  | 'invalid_request'
  | 'system_masters'
  /** The op adds, changes or removes the known cluster creator's item. */
  | 'creator_protected'
  /** The creator is unknown and the op touches an admin-looking principal or an item mapping to an admin group. */
  | 'possibly_creator'
  | 'node_entry_protected'
  | 'result_unparseable'
  | 'unrelated_change'
  | 'intended_change_missing'
  | 'last_admin'
  | 'size_limit'
  /** A restore found the item changed since eks-access wrote it (someone else's change): re-read and re-plan. */
  | 'item_changed';

/** The cluster creator as the CloudTrail look-up found it; `isKnown: false` makes the checks conservative. */
export type Creator = { arn?: string; isKnown: boolean };

/**
 * ConfigMap data may not exceed 1 MiB (https://kubernetes.io/docs/concepts/configuration/configmap/); the bot
 * refuses to grow the object past 900 KiB, leaving room for the object's metadata and for people's edits.
 */
export const AWS_AUTH_MAX_BYTES = 900 * 1024;
/** Groups that make an item an admin: the built-in superuser group and the bot's own cluster-admin group. */
export const ADMIN_GROUPS: readonly string[] = ['system:masters', CLUSTER_ADMIN_GROUP];

export type Failed = {
  passed: false;
  detail: string;
  code?: SafetyCode;
  problem?: DocumentProblem;
  /** Could not run (a document did not parse): shown as not passed, never the reason given. */
  isSkipped?: true;
};
export type Outcome = { passed: true } | Failed;
export const PASS: Outcome = { passed: true };
export const fail = (detail: string, code?: SafetyCode): Failed => ({
  passed: false,
  detail,
  ...(code ? { code } : {}),
});

export type AwsAuthChange = {
  before: Readonly<Record<string, string>>;
  after: Readonly<Record<string, string>>;
  ops: readonly AwsAuthOp[];
  creator: Creator;
  maxBytes?: number;
  /** `editAwsAuth`'s `parsedBefore`: used only when it is the parse of this very `before` object. */
  parsedBefore?: ParsedAwsAuth;
};

export function opList(op: AwsAuthOp): MappingList {
  return (op.op === 'upsert' ? op.item.kind : op.kind) === 'role' ? 'mapRoles' : 'mapUsers';
}

export function opArn(op: AwsAuthOp): string {
  return op.op === 'upsert' ? op.item.arn : op.arn;
}

export type Targets = Record<MappingList, Set<string>>;

export function targetKeys(ops: readonly AwsAuthOp[]): Targets {
  const targets: Targets = { mapRoles: new Set(), mapUsers: new Set() };
  for (const op of ops) targets[opList(op)].add(foldArn(opArn(op)));
  return targets;
}

/** A parsed document with every entry's key (computed once: the checks ask many times) and target mark. */
export type View = { doc: AwsAuthDocument; all: AwsAuthEntry[]; keys: string[]; isTarget: boolean[] };

export function viewOf(parsed: ParsedAwsAuth): View {
  const { document: doc, entryKeys } = parsed;
  return {
    doc,
    all: [...doc.mapRoles, ...doc.mapUsers],
    keys: [...entryKeys.mapRoles, ...entryKeys.mapUsers],
    isTarget: [],
  };
}

export function markTargets(view: View, targets: Targets): void {
  view.isTarget = view.all.map((entry, i) => targets[entry.list].has(view.keys[i] ?? ''));
}

export function requestValid(ops: readonly AwsAuthOp[]): Outcome {
  for (const op of ops) {
    // A restore writes back what the document held before the grant; only its ARN is the bot's input.
    const refusal = op.op === 'upsert' ? itemRefusal(op.item) : arnRefusal(op.kind, op.arn, 'remove');
    if (refusal === undefined || refusal.code === 'system_masters') continue;
    return fail(`${op.id} (${opArn(op)}): ${refusal.reason}`);
  }
  return PASS;
}

export function noSystemMasters(ops: readonly AwsAuthOp[], before: View, after: View): Outcome {
  const asked = ops.find((op) => op.op === 'upsert' && op.item.groups.some(isMasters));
  if (asked !== undefined) return fail(`${asked.id} asks for system:masters`);
  const had = new Set(before.all.filter((e, i) => before.isTarget[i] && hasMasters(e)).map(signature));
  const added = after.all.find((e, i) => after.isTarget[i] && hasMasters(e) && !had.has(signature(e)));
  return added === undefined ? PASS : fail(`the result maps ${entryArn(added)} to system:masters`);
}

export function creatorUntouched(input: AwsAuthChange, before: View, after: View): Outcome {
  const { creator } = input;
  if (!creator.isKnown || creator.arn === undefined) return possiblyCreator(input.ops, before);
  const creatorKey = principalKey(creator.arn);
  const op = input.ops.find((o) => principalKey(opArn(o)) === creatorKey);
  if (op !== undefined) return fail(`${op.id} targets the cluster creator ${creator.arn}`, 'creator_protected');
  // Same principal implies the same name after the last '/', so that cheap test comes first.
  const name = creatorKey.slice(creatorKey.lastIndexOf('/'));
  const mine = (view: View) =>
    view.all.filter((e, i) => (view.keys[i] ?? '').endsWith(name) && principalKey(entryArn(e)) === creatorKey);
  const was = mine(before);
  const is = mine(after);
  const same = was.length === is.length && was.every((e, i) => sameEntry(e, is[i]));
  return same ? PASS : fail('the result adds or changes an item for the cluster creator', 'creator_protected');
}

// Creator unknown: any principal that looks like an admin, or whose current item maps to an admin group, may be it.
function possiblyCreator(ops: readonly AwsAuthOp[], before: View): Outcome {
  const adminKeys = new Set(before.all.filter(mapsToAdmin).map((e) => principalKey(entryArn(e))));
  for (const op of ops) {
    const arn = opArn(op);
    if (looksLikeAdminPrincipal(arn) || adminKeys.has(principalKey(arn))) {
      const detail = `${op.id} touches ${arn}, which may be the cluster creator (the creator is unknown)`;
      return fail(detail, 'possibly_creator');
    }
  }
  return PASS;
}

export function nodesUntouched(before: View, after: View): Outcome {
  const targeted = before.all.find((e, i) => before.isTarget[i] && isNodeEntry(e));
  if (targeted !== undefined) return fail(`an op targets the node item at ${targeted.list} line ${targeted.line}`);
  const was = before.all.filter(isNodeEntry);
  const is = after.all.filter(isNodeEntry);
  if (was.length !== is.length || !was.every((e, i) => sameEntry(e, is[i]))) {
    return fail('node, Fargate or Windows items differ in the result');
  }
  return PASS;
}

export function onlyTargetsChanged(input: AwsAuthChange, before: View, after: View): Outcome {
  const keys = new Set([...Object.keys(input.before), ...Object.keys(input.after)]);
  const edited = new Set(input.ops.map(opList));
  for (const key of keys) {
    if ((key === 'mapRoles' || key === 'mapUsers') && edited.has(key)) continue;
    if (
      Object.hasOwn(input.before, key) !== Object.hasOwn(input.after, key) ||
      input.before[key] !== input.after[key]
    ) {
      return fail(`data key ${key} ${isAwsAuthKey(key) ? '' : '(not an aws-auth key) '}changed`);
    }
  }
  const was = before.all.filter((_, i) => !before.isTarget[i]);
  const is = after.all.filter((_, i) => !after.isTarget[i]);
  const changed = was.findIndex((e, i) => !sameEntry(e, is[i]));
  if (changed < 0 && was.length === is.length) return PASS;
  const at = was[changed >= 0 ? changed : Math.min(was.length, is.length)];
  return fail(`an unrelated item${at ? ` (${at.list} line ${at.line})` : ''} is lost or changed`);
}

export function intendedApplied(ops: readonly AwsAuthOp[], after: View): Outcome {
  const wanted = new Map<string, AwsAuthOp>();
  for (const op of ops) wanted.set(`${opList(op)} ${foldArn(opArn(op))}`, op);
  const winner = new Map<string, AwsAuthEntry>();
  after.all.forEach((entry, i) => {
    if (after.isTarget[i]) winner.set(`${entry.list} ${after.keys[i]}`, entry);
  });
  for (const [key, op] of wanted) {
    const found = winner.get(key);
    const wantedMapping =
      op.op === 'upsert' ? op.item : op.op === 'restore_item' && op.to.kind === 'text' ? op.to.mapping : undefined;
    if (wantedMapping === undefined) {
      if (found !== undefined) return fail(`${op.id}: ${opArn(op)} is still mapped`);
      continue;
    }
    if (found === undefined) return fail(`${op.id}: ${opArn(op)} is missing from the result`);
    const groups = new Set(found.groups);
    const same =
      found.username === wantedMapping.username &&
      groups.size === new Set(wantedMapping.groups).size &&
      wantedMapping.groups.every((g) => groups.has(g));
    if (!same) return fail(`${op.id}: ${opArn(op)} does not read back as requested`);
  }
  return PASS;
}

export function adminKept(before: View, after: View): Outcome {
  if (!hasAdmin(before) || hasAdmin(after)) return PASS;
  return fail('the result would leave no item mapping to system:masters or eks-access:cluster-admin');
}

// Whether the authenticator would use (last per key) at least one item mapping to an admin group.
function hasAdmin(view: View): boolean {
  const last = new Map<string, AwsAuthEntry>();
  view.all.forEach((entry, i) => {
    if (mapsToAdmin(entry)) last.set(`${entry.list} ${view.keys[i]}`, entry);
  });
  if (last.size === 0) return false;
  const lastOfAll = new Map<string, AwsAuthEntry>();
  view.all.forEach((entry, i) => {
    const key = `${entry.list} ${view.keys[i]}`;
    if (last.has(key)) lastOfAll.set(key, entry);
  });
  return [...lastOfAll.values()].some(mapsToAdmin);
}

export function sizeLimit(input: AwsAuthChange): Outcome {
  const limit = input.maxBytes ?? AWS_AUTH_MAX_BYTES;
  const size = dataBytes(input.after);
  if (size <= limit || size <= dataBytes(input.before)) return PASS;
  return fail(`the data would be ${size} bytes, over the ${limit}-byte limit`);
}

function sameEntry(a: AwsAuthEntry, b: AwsAuthEntry | undefined): boolean {
  return b !== undefined && a.list === b.list && sameRaw(a.raw, b.raw);
}

// Cheap tests first: these run for every item of two documents. Unicode case folding makes them match at least
// what adminGroups matches (it lower-cases, and the Kelvin sign lowers to 'k').
const MASTERS_HINT = /system:masters/iu;
const ADMIN_HINT = /system:masters|eks-access:cluster-admin/iu;

function hasMasters(entry: AwsAuthEntry): boolean {
  return entry.groups.some((group) => MASTERS_HINT.test(group)) && adminGroups(entry).length > 0;
}

function mapsToAdmin(entry: AwsAuthEntry): boolean {
  return entry.groups.some((group) => ADMIN_HINT.test(group)) && adminGroups(entry, ADMIN_GROUPS).length > 0;
}

function signature(entry: AwsAuthEntry): string {
  return `${entry.list} ${JSON.stringify(entry.raw)}`;
}
