import { accessEntryArn, awsAuthArn, isParsedArn, type ParsedArn, parseArn } from '../identity/arn.ts';
import { foldArn, sameArnIgnoringCase } from '../identity/canonical.ts';
import { entryMatches } from './entry-match.ts';
import { foldFieldName } from './items.ts';
import { NODE_GROUPS } from './nodes.ts';
import { ssoMatches } from './sso-matcher.ts';
import type { AwsAuthDocument, AwsAuthEntry, InvalidItem, MappingList, RawObject, RawValue } from './types.ts';

/**
 * aws-auth items that were meant for a principal but do not match it, each with the line that would. ARN case is
 * never a miss (the authenticator ignores it); `username_or_group_case` is the one kind reported on an entry
 * that does match, because RBAC compares usernames and groups exactly.
 */
export type NearMissKind =
  | 'role_arn_has_path'
  | 'session_arn_in_rolearn'
  | 'wrong_key'
  | 'wrong_account'
  | 'user_arn_path_mismatch'
  | 'sso_matcher_unsupported'
  | 'username_or_group_case';

export type NearMiss = {
  kind: NearMissKind;
  list: MappingList;
  index: number;
  line: number;
  entry: AwsAuthEntry | InvalidItem;
  /** What the item says now: the ARN, group or username as written. */
  written: string;
  /** The corrected line and the list it belongs in, e.g. `rolearn: arn:aws:iam::111122223333:role/bob-admin`. */
  fix: { list: MappingList; line: string };
};

export type NearMissOptions = {
  /** Group names RBAC actually binds (from the cluster); defaults to the well-known system groups. */
  knownGroups?: readonly string[];
  /** Usernames RBAC actually binds. */
  knownUsernames?: readonly string[];
  /** As in matchCaller: whether `sso:` matchers are live. */
  ssoRoleMatch?: boolean;
};

export const WELL_KNOWN_GROUPS: readonly string[] = ['system:masters', ...NODE_GROUPS];

type Target =
  | { kind: 'role'; partition: string; account: string; roleName: string; canonical: string }
  | { kind: 'user'; partition: string; account: string; path: string; name: string; canonical: string };

/** `principal` is the engineer's identity: a session ARN, a role ARN (with or without its path) or a user ARN. */
export function findNearMisses(doc: AwsAuthDocument, principal: string, options: NearMissOptions = {}): NearMiss[] {
  const target = targetOf(principal);
  if (target === undefined) return [];
  const items: (AwsAuthEntry | InvalidItem)[] = [...doc.mapRoles, ...doc.mapUsers, ...doc.invalidItems];
  items.sort((a, b) => (a.list === b.list ? a.index - b.index : a.list === 'mapRoles' ? -1 : 1));
  return items.flatMap((item) => missesFor(item, target, options));
}

function targetOf(principal: string): Target | undefined {
  const parsed = parseArn(principal);
  if (!isParsedArn(parsed)) return undefined;
  const { partition, account } = parsed;
  if (parsed.kind === 'role' || parsed.kind === 'assumed-role') {
    const roleName = parsed.kind === 'role' ? parsed.name : parsed.roleName;
    return { kind: 'role', partition, account, roleName, canonical: awsAuthArn(parsed) ?? principal };
  }
  if (parsed.kind === 'user') {
    const canonical = accessEntryArn(parsed) ?? principal;
    return { kind: 'user', partition, account, path: parsed.path, name: parsed.name, canonical };
  }
  return undefined;
}

function missesFor(item: AwsAuthEntry | InvalidItem, target: Target, options: NearMissOptions): NearMiss[] {
  const isEntry = !('code' in item);
  if (isEntry && entryMatches(item, target.canonical, options)) return caseHints(item, options);
  const fix = correctLine(target);
  const misses = new Map<NearMissKind, NearMiss>();
  const add = (kind: NearMissKind, written: string) => {
    if (!misses.has(kind))
      misses.set(kind, { kind, list: item.list, index: item.index, line: item.line, entry: item, written, fix });
  };
  if (isEntry && item.list === 'mapRoles' && item.sso !== undefined && target.kind === 'role') {
    if (ssoMatches(item.sso, target.canonical)) add('sso_matcher_unsupported', `sso: ${item.sso.permissionSetName}`);
  }
  for (const { key, field, value } of arnFields(item.raw)) {
    const kind = classify(item.list, field, value, target);
    if (kind !== undefined) add(kind, `${key}: ${value}`);
  }
  return [...misses.values()];
}

function classify(list: MappingList, field: string, value: string, target: Target): NearMissKind | undefined {
  if (sameArnIgnoringCase(value, target.canonical)) {
    const misplaced = (list === 'mapUsers' && field === 'rolearn') || (list === 'mapRoles' && field === 'userarn');
    return misplaced ? 'wrong_key' : undefined;
  }
  const parsed = parseArn(value);
  if (!isParsedArn(parsed)) return undefined;
  return target.kind === 'role' ? classifyRole(parsed, target) : classifyUser(parsed, target);
}

function classifyRole(parsed: ParsedArn, target: Extract<Target, { kind: 'role' }>): NearMissKind | undefined {
  const sameAccount = parsed.account === target.account && parsed.partition === target.partition;
  if (parsed.kind === 'assumed-role' && same(parsed.roleName, target.roleName)) {
    return sameAccount ? 'session_arn_in_rolearn' : 'wrong_account';
  }
  if (parsed.kind !== 'role' || !same(parsed.name, target.roleName)) return undefined;
  if (!sameAccount) return 'wrong_account';
  return parsed.path === '/' ? undefined : 'role_arn_has_path';
}

function classifyUser(parsed: ParsedArn, target: Extract<Target, { kind: 'user' }>): NearMissKind | undefined {
  if (parsed.kind !== 'user' || !same(parsed.name, target.name)) return undefined;
  const sameAccount = parsed.account === target.account && parsed.partition === target.partition;
  if (!sameAccount) return same(parsed.path, target.path) ? 'wrong_account' : undefined;
  return same(parsed.path, target.path) ? undefined : 'user_arn_path_mismatch';
}

function correctLine(target: Target): NearMiss['fix'] {
  return target.kind === 'role'
    ? { list: 'mapRoles', line: `rolearn: ${target.canonical}` }
    : { list: 'mapUsers', line: `userarn: ${target.canonical}` };
}

// Every rolearn/userarn the item carries, in any spelling the authenticator would read.
function arnFields(raw: RawValue): { key: string; field: 'rolearn' | 'userarn'; value: string }[] {
  if (!isRawObject(raw)) return [];
  return Object.entries(raw).flatMap(([key, value]) => {
    const field = foldFieldName(key);
    return (field === 'rolearn' || field === 'userarn') && typeof value === 'string' ? [{ key, field, value }] : [];
  });
}

function isRawObject(raw: RawValue): raw is RawObject {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw);
}

function caseHints(entry: AwsAuthEntry, options: NearMissOptions): NearMiss[] {
  const base = { list: entry.list, index: entry.index, line: entry.line, entry };
  const groups = options.knownGroups ?? WELL_KNOWN_GROUPS;
  const hints: NearMiss[] = entry.groups.flatMap((group) => {
    const known = caseVariantOf(group, groups);
    return known === undefined
      ? []
      : [
          {
            ...base,
            kind: 'username_or_group_case' as const,
            written: group,
            fix: { list: entry.list, line: `- ${known}` },
          },
        ];
  });
  const username = caseVariantOf(entry.username, options.knownUsernames ?? []);
  if (username !== undefined) {
    const fix = { list: entry.list, line: `username: ${username}` };
    hints.push({ ...base, kind: 'username_or_group_case', written: entry.username, fix });
  }
  return hints;
}

function caseVariantOf(name: string, known: readonly string[]): string | undefined {
  if (known.includes(name)) return undefined;
  return known.find((k) => k.toLowerCase() === name.toLowerCase());
}

function same(a: string, b: string): boolean {
  return foldArn(a) === foldArn(b);
}
