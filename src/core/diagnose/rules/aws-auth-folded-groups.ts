import { isNodeEntry } from '../../aws-auth/nodes.ts';
import type { AwsAuthIssue } from '../../aws-auth/types.ts';
import { awsAuthDocument, awsAuthMatch } from '../access-state.ts';
import { where } from '../aws-auth-text.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { clusterMode } from '../principal.ts';

type Folded = Extract<AwsAuthIssue, { code: 'folded_groups' }>;

/**
 * A mis-indented `- group` line that still parses folds into the previous group: one group named
 * `system:bootstrappers - system:nodes`, and the item loses both (cause 8, a 403 or nodes NotReady).
 */
export function awsAuthFoldedGroups(e: Evidence): Finding | undefined {
  const doc = awsAuthDocument(e);
  if (!doc || clusterMode(e) === 'API') return undefined;
  const folded = doc.issues.filter((issue): issue is Folded => issue.code === 'folded_groups');
  const first = folded[0];
  if (first === undefined) return undefined;
  const entryOf = (issue: Folded) => (issue.list === 'mapRoles' ? doc.mapRoles : doc.mapUsers)[issue.index];
  const hitsNodes = folded.some((issue) => {
    const entry = entryOf(issue);
    return entry !== undefined && isNodeEntry(entry);
  });
  const match = awsAuthMatch(e);
  const mine = match && match.via !== 'mapAccounts' ? folded.find((i) => entryOf(i) === match.entry) : undefined;
  const shown = mine ?? first;
  return {
    rule: 'aws-auth-folded-groups',
    severity: hitsNodes ? 'urgent' : 'warning',
    title: hitsNodes
      ? 'A node role item in aws-auth has its group list folded into one string: nodes lose system:nodes'
      : mine
        ? 'Your aws-auth item has its group list folded into one string, so it has none of those groups'
        : 'An aws-auth item has its group list folded into one string',
    evidence: folded.map((i) => `${where(i.list, i.line)}: one group "${i.group}" instead of ${i.parts.join(', ')}`),
    fix: `Indent every "- group" line of the item the same way (kubectl edit configmap aws-auth -n kube-system). The ${shown.list} item at line ${shown.line} should read:`,
    fixCommand: ['  groups:', ...shown.parts.map((part) => `    - ${part}`)].join('\n'),
    ...(mine || hitsNodes ? { symptom: 'forbidden' as const } : {}),
  };
}
