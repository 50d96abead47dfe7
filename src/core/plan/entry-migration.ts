import type { AwsAuthDocument, AwsAuthEntry } from '../aws-auth/document.ts';
import { isNodeEntry, MASTERS_GROUP } from '../aws-auth/nodes.ts';
import { isParsedArn, parseArn } from '../identity/arn.ts';
import { accessPolicyArn } from '../levels.ts';

export interface MigratedEntry {
  /** The principal as aws-auth spells it (role ARNs without path). */
  awsAuthArn: string;
  /** Role name to resolve through IAM GetRole (the entry needs the real ARN, path included); absent for users. */
  roleName?: string;
  /** User ARNs are already the IAM ARN. */
  principalArn?: string;
  kubernetesGroups: readonly string[];
  policyArns: readonly string[];
  username?: string;
}

export interface SkippedEntry {
  arn: string;
  reason: string;
}

export interface EntryMigrationPlan {
  migrate: readonly MigratedEntry[];
  skipped: readonly SkippedEntry[];
}

/**
 * aws-auth items → access entries, as eksctl's migrator does: `system:masters` becomes
 * AmazonEKSClusterAdminPolicy (access entries may not name `system:` groups), other `system:` groups are
 * dropped, node / Fargate / Windows items and `system:`-only items stay in aws-auth, session templates in
 * usernames are left to EKS's default username.
 */
export function planEntryMigration(doc: AwsAuthDocument): EntryMigrationPlan {
  const migrate: MigratedEntry[] = [];
  const skipped: SkippedEntry[] = [];
  for (const entry of [...doc.mapRoles, ...doc.mapUsers]) {
    const arn = entry.list === 'mapRoles' ? entry.rolearn : entry.userarn;
    const verdict = migrationOf(entry, arn);
    if ('reason' in verdict) skipped.push({ arn, reason: verdict.reason });
    else migrate.push(verdict);
  }
  for (const account of doc.mapAccounts)
    skipped.push({ arn: account, reason: 'mapAccounts has no access-entry equivalent' });
  return { migrate, skipped };
}

function migrationOf(entry: AwsAuthEntry, arn: string): MigratedEntry | { reason: string } {
  if (isNodeEntry(entry)) return { reason: 'node, Fargate or Windows role: stays in aws-auth' };
  if (entry.list === 'mapRoles' && entry.sso) return { reason: 'sso matcher: map the permission set role explicitly' };
  const parsed = parseArn(arn);
  if (!isParsedArn(parsed) || (parsed.kind !== 'role' && parsed.kind !== 'user')) {
    return { reason: 'not an IAM role or user ARN' };
  }
  const isMaster = entry.groups.includes(MASTERS_GROUP);
  const kubernetesGroups = entry.groups.filter((g) => g !== '' && !g.startsWith('system:'));
  if (!isMaster && kubernetesGroups.length === 0)
    return { reason: 'only system: groups, which access entries cannot carry' };
  const username =
    entry.username && !entry.username.includes('{{') && !/^(system|eks|aws|amazon|iam):/.test(entry.username)
      ? entry.username
      : undefined;
  return {
    awsAuthArn: arn,
    ...(parsed.kind === 'role' ? { roleName: parsed.name } : { principalArn: arn }),
    kubernetesGroups,
    policyArns: isMaster ? [accessPolicyArn('cluster-admin', parsed.partition)] : [],
    ...(username ? { username } : {}),
  };
}
