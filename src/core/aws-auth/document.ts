import { foldArn } from '../identity/canonical.ts';
import { decodeAccounts } from './accounts.ts';
import { scanList } from './fast-scan.ts';
import { decodeList, decodeLocated } from './items.ts';
import type { LocatedList } from './located.ts';
import { ssoArnLike } from './sso-matcher.ts';
import {
  AWS_AUTH_KEYS,
  type AwsAuthDocument,
  type AwsAuthEntry,
  type AwsAuthIssue,
  type AwsAuthKey,
  type KeyState,
  type MappingList,
  type RoleEntry,
  type ShadowedDuplicate,
  type UserEntry,
} from './types.ts';
import { type ReaderNote, readYaml } from './yaml-reader.ts';

export type * from './types.ts';

/**
 * Parses the `data` of the aws-auth ConfigMap with the authenticator's semantics (AIA configmap.go `ParseMap`):
 * each key on its own, so a syntax error in one loses only that key; data keys case-sensitive; items validated
 * one by one. Never throws.
 */
export function parseAwsAuth(data: Readonly<Record<string, string>>): AwsAuthDocument {
  return parseAwsAuthLocated(data).document;
}

/**
 * `parseAwsAuth`, plus each list's item text ranges when the fast scanner read it (the edit splices by them).
 * `data` is the object parsed, so a later consumer can tell this parse belongs to its input.
 */
export type ParsedAwsAuth = {
  data: Readonly<Record<string, string>>;
  document: AwsAuthDocument;
  /** `entryKey` of each entry, parallel to `document.mapRoles` and `document.mapUsers` (computed once). */
  entryKeys: Readonly<Record<MappingList, readonly string[]>>;
};
export type LocatedAwsAuth = ParsedAwsAuth & { located: Partial<Record<MappingList, LocatedList>> };

export function parseAwsAuthLocated(
  data: Readonly<Record<string, string>>,
  options: { fastPath?: boolean } = {},
): LocatedAwsAuth {
  const fastPath = options.fastPath ?? true;
  const located: Partial<Record<MappingList, LocatedList>> = {};
  const keys: Record<AwsAuthKey, KeyState> = {
    mapRoles: { status: 'absent' },
    mapUsers: { status: 'absent' },
    mapAccounts: { status: 'absent' },
  };
  const wrongCaseKeys: { key: string; intended: AwsAuthKey }[] = [];
  const unknownKeys: string[] = [];
  for (const key of Object.keys(data)) {
    if (isAwsAuthKey(key)) continue;
    const intended = AWS_AUTH_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
    if (intended === undefined) unknownKeys.push(key);
    else wrongCaseKeys.push({ key, intended });
  }
  const issues: AwsAuthIssue[] = [];
  const roles = readList(data, 'mapRoles', keys, issues, fastPath ? located : undefined);
  const users = readList(data, 'mapUsers', keys, issues, fastPath ? located : undefined);
  const accounts = readAccounts(data, keys, issues);
  const mapRoles = roles.entries.filter((e): e is RoleEntry => e.list === 'mapRoles');
  const mapUsers = users.entries.filter((e): e is UserEntry => e.list === 'mapUsers');
  const entryKeys = { mapRoles: mapRoles.map(entryKey), mapUsers: mapUsers.map(entryKey) };
  const document: AwsAuthDocument = {
    keys,
    mapRoles,
    mapUsers,
    mapAccounts: accounts,
    invalidItems: [...roles.invalid, ...users.invalid],
    shadowedDuplicates: [...shadowed(mapRoles, entryKeys.mapRoles), ...shadowed(mapUsers, entryKeys.mapUsers)],
    wrongCaseKeys,
    unknownKeys,
    issues,
  };
  return { data, document, located, entryKeys };
}

function isAwsAuthKey(key: string): key is AwsAuthKey {
  return (AWS_AUTH_KEYS as readonly string[]).includes(key);
}

// The authenticator's isSkippable, plus '' in single quotes (YAML for an empty string, which loads nothing either).
export function isSkippable(value: string): boolean {
  // Without trimming a whole (possibly ~1 MiB) value: only the first and last non-blank characters matter.
  const first = value.search(/\S/);
  if (first < 0) return true;
  let last = value.length - 1;
  while (last > first && /\s/.test(value.charAt(last))) last--;
  if (last - first > 1) return false;
  const trimmed = value.slice(first, last + 1);
  return trimmed === '``' || trimmed === '""' || trimmed === "''";
}

type Source = { text: string } | { state: KeyState };

function sourceOf(data: Readonly<Record<string, string>>, key: AwsAuthKey): Source {
  if (!Object.hasOwn(data, key)) return { state: { status: 'absent' } };
  const value: unknown = data[key];
  if (typeof value !== 'string') {
    return { state: { status: 'failed', error: { message: `${key} is not a string`, line: 1, column: 1 } } };
  }
  return isSkippable(value) ? { state: { status: 'empty' } } : { text: value };
}

function readList(
  data: Readonly<Record<string, string>>,
  key: 'mapRoles' | 'mapUsers',
  keys: Record<AwsAuthKey, KeyState>,
  issues: AwsAuthIssue[],
  /** Where the fast scanner's item ranges go; undefined to read with the `yaml`-based reader only (tests). */
  located: Partial<Record<MappingList, LocatedList>> | undefined,
): { entries: AwsAuthEntry[]; invalid: ReturnType<typeof decodeList>['invalid'] } {
  const source = sourceOf(data, key);
  if ('state' in source) {
    keys[key] = source.state;
    return { entries: [], invalid: [] };
  }
  const scanned = located === undefined ? undefined : scanList(source.text, key);
  if (scanned !== undefined) {
    // The fast scanner reads exactly what readYaml + decodeList read, on every text it accepts.
    if (located !== undefined) located[key] = scanned;
    const decoded = decodeLocated(key, scanned.items);
    keys[key] = scanned.items.length === 0 ? { status: 'empty' } : { status: 'loaded' };
    issues.push(...decoded.issues);
    return decoded;
  }
  const read = readYaml(source.text, 'json');
  issues.push(...notes(key, read.notes));
  if (!read.ok) {
    keys[key] = { status: 'failed', error: read.error };
    return { entries: [], invalid: [] };
  }
  const decoded = decodeList(key, read.root);
  if (decoded.failure !== undefined) {
    keys[key] = { status: 'failed', error: decoded.failure };
    return { entries: [], invalid: [] };
  }
  keys[key] = read.root === undefined ? { status: 'empty' } : { status: 'loaded' };
  issues.push(...decoded.issues);
  return decoded;
}

function readAccounts(
  data: Readonly<Record<string, string>>,
  keys: Record<AwsAuthKey, KeyState>,
  issues: AwsAuthIssue[],
) {
  const source = sourceOf(data, 'mapAccounts');
  if ('state' in source) {
    keys.mapAccounts = source.state;
    return [];
  }
  const read = readYaml(source.text, 'plain');
  issues.push(...notes('mapAccounts', read.notes));
  if (!read.ok) {
    keys.mapAccounts = { status: 'failed', error: read.error };
    return [];
  }
  const decoded = decodeAccounts(read.root);
  if (decoded.failure !== undefined) {
    keys.mapAccounts = { status: 'failed', error: decoded.failure };
    return [];
  }
  keys.mapAccounts = read.root === undefined ? { status: 'empty' } : { status: 'loaded' };
  issues.push(...decoded.issues);
  return decoded.accounts;
}

function notes(key: AwsAuthKey, readerNotes: readonly ReaderNote[]): AwsAuthIssue[] {
  return readerNotes.map((note) => ({ ...note, key }));
}

/** The key the authenticator stores an entry under: the lower-cased ARN, or the SSO pattern. */
export function entryKey(entry: AwsAuthEntry): string {
  if (entry.list === 'mapUsers') return foldArn(entry.userarn);
  return entry.sso === undefined ? foldArn(entry.rolearn) : ssoArnLike(entry.sso);
}

/** The ARN an entry names ('' for an `sso:` matcher). */
export function entryArn(entry: AwsAuthEntry): string {
  return entry.list === 'mapUsers' ? entry.userarn : entry.rolearn;
}

// Entries are saved into a map keyed by entryKey, so the last one with a key wins.
function shadowed(entries: readonly AwsAuthEntry[], keys: readonly string[]): ShadowedDuplicate[] {
  const lastByKey = new Map<string, AwsAuthEntry>();
  entries.forEach((entry, position) => {
    lastByKey.set(keys[position] ?? '', entry);
  });
  if (lastByKey.size === entries.length) return [];
  const result: ShadowedDuplicate[] = [];
  entries.forEach((entry, position) => {
    const key = keys[position] ?? '';
    const winner = lastByKey.get(key);
    if (winner === undefined || winner === entry) return;
    const exact = entries.slice(position + 1).some((later) => entryArn(later) === entryArn(entry));
    result.push({
      list: entry.list,
      key,
      shadowed: entry,
      winner,
      isDeterministic: entry.list === 'mapRoles' || exact,
    });
  });
  return result;
}
