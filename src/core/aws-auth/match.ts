import { canonicalCallerArn } from '../identity/canonical.ts';
import { entryKey } from './document.ts';
import { entryMatches, type MatchOptions } from './entry-match.ts';
import type { AwsAuthDocument, AwsAuthEntry, RoleEntry, UserEntry } from './types.ts';

export { entryMatches, type MatchOptions } from './entry-match.ts';
export { findNearMisses, type NearMiss, type NearMissKind, type NearMissOptions } from './near-miss.ts';

/**
 * Which aws-auth mapping the authenticator gives a caller (AIA mapper/configmap `Map`, server.go `doMapping`):
 * mapRoles first, then mapUsers, comparing the canonical caller ARN with each entry's ARN as written, ignoring
 * case and never stripping a path; the last of several duplicates wins. Failing both, an account listed in
 * mapAccounts lets the caller in as its canonical ARN with no groups.
 */
export type CallerMatch =
  | {
      via: 'mapRoles' | 'mapUsers';
      entry: AwsAuthEntry;
      /** The username template as written, not rendered (see templates.ts). */
      username: string;
      groups: readonly string[];
      canonicalArn: string;
      /**
       * True when another entry also matches and some authenticator versions could pick it instead: user ARNs
       * that differ only in case (newer versions key users by the exact ARN), or a rolearn and an SSO matcher.
       */
      isAmbiguous: boolean;
    }
  | { via: 'mapAccounts'; username: string; groups: readonly []; canonicalArn: string; account: string };

export function matchCaller(
  doc: AwsAuthDocument,
  callerArn: string,
  options: MatchOptions = {},
): CallerMatch | undefined {
  const caller = canonicalCallerArn(callerArn);
  if (caller.kind !== 'canonical') return undefined;
  const canonicalArn = caller.arn;
  for (const entries of [doc.mapRoles, doc.mapUsers]) {
    const matching = matchingWinners(entries, canonicalArn, options);
    const entry = matching.at(-1);
    if (entry !== undefined) {
      const isAmbiguous = matching.length > 1 || hasCaseVariants(entries, entry, canonicalArn);
      return { via: entry.list, entry, username: entry.username, groups: entry.groups, canonicalArn, isAmbiguous };
    }
  }
  if (doc.mapAccounts.includes(caller.account)) {
    return { via: 'mapAccounts', username: canonicalArn, groups: [], canonicalArn, account: caller.account };
  }
  return undefined;
}

// The entries that survive de-duplication (last per key) and accept the caller, in document order.
function matchingWinners(
  entries: readonly (RoleEntry | UserEntry)[],
  canonicalArn: string,
  options: MatchOptions,
): AwsAuthEntry[] {
  const winners = new Map<string, AwsAuthEntry>();
  for (const entry of entries) winners.set(entryKey(entry), entry);
  return entries.filter(
    (entry) => winners.get(entryKey(entry)) === entry && entryMatches(entry, canonicalArn, options),
  );
}

function hasCaseVariants(entries: readonly AwsAuthEntry[], winner: AwsAuthEntry, canonicalArn: string): boolean {
  if (winner.list !== 'mapUsers') return false;
  const spellings = new Set(
    entries.filter((e): e is UserEntry => e.list === 'mapUsers' && entryMatches(e, canonicalArn)).map((e) => e.userarn),
  );
  return spellings.size > 1;
}
