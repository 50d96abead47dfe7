import { type AwsAuthEntry, parseAwsAuth } from '../aws-auth/document.ts';
import type { AwsAuthOp } from '../aws-auth/edit.ts';

/**
 * The ops a restore amounts to: every item that differs between the current document and the version being
 * restored, as upserts and removals. The safety check then judges the restored document against them, exactly
 * as for a grant: node items, the creator and unrelated items must come out as the check allows.
 */
export function restoreOps(
  current: Readonly<Record<string, string>>,
  target: Readonly<Record<string, string>>,
): AwsAuthOp[] {
  const before = indexEntries(parseAwsAuth(current));
  const after = indexEntries(parseAwsAuth(target));
  const ops: AwsAuthOp[] = [];
  for (const [key, entry] of after) {
    const previous = before.get(key);
    if (previous && sameMapping(previous, entry)) continue;
    ops.push({
      op: 'upsert',
      id: `restore:${key}`,
      item: { kind: kindOf(entry), arn: arnOf(entry), username: entry.username, groups: [...entry.groups] },
    });
  }
  for (const [key, entry] of before) {
    if (!after.has(key)) ops.push({ op: 'remove', id: `restore:${key}`, kind: kindOf(entry), arn: arnOf(entry) });
  }
  return ops;
}

function indexEntries(doc: ReturnType<typeof parseAwsAuth>): Map<string, AwsAuthEntry> {
  const map = new Map<string, AwsAuthEntry>();
  // The last duplicate wins, as in the authenticator.
  for (const entry of [...doc.mapRoles, ...doc.mapUsers]) map.set(`${entry.list}|${arnOf(entry).toLowerCase()}`, entry);
  return map;
}

function arnOf(entry: AwsAuthEntry): string {
  return entry.list === 'mapRoles' ? entry.rolearn : entry.userarn;
}

function kindOf(entry: AwsAuthEntry): 'role' | 'user' {
  return entry.list === 'mapRoles' ? 'role' : 'user';
}

function sameMapping(a: AwsAuthEntry, b: AwsAuthEntry): boolean {
  return (
    a.username === b.username && a.groups.length === b.groups.length && a.groups.every((g, i) => g === b.groups[i])
  );
}
