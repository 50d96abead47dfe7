import type { AwsAuthDocument } from '../aws-auth/document.ts';
import { isMasters } from '../aws-auth/edit-validate.ts';
import { matchCaller } from '../aws-auth/match.ts';
import { isNodeEntry } from '../aws-auth/nodes.ts';
import { awsAuthArn, isParsedArn, parseArn } from '../identity/arn.ts';
import { describeRefusal } from '../messages/describe-refusal.ts';
import { code, escapeUserText } from '../messages/escape.ts';
import { plainText } from '../messages/rich.ts';
import type { Refusal } from '../refusals.ts';
import type { EntryPrecedenceInfo } from '../request/request.ts';

/**
 * On API_AND_CONFIG_MAP clusters an access entry takes precedence over aws-auth for the same principal
 * (https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html): creating one silently drops whatever
 * aws-auth gave that principal. So before an entry is created for a principal aws-auth maps:
 * - node, Fargate and Windows roles, and any other `system:` mapping except `system:masters`: refused
 *   (`node_entry_protected`): nodes would lose `system:nodes`, and EKS refuses `system:` groups in an entry;
 * - `system:masters`: refused (`aws_auth_cluster_admin`): the entry would replace cluster-admin with the level;
 * - anything else: the entry carries the mapping's username and groups, so the person loses nothing while the
 *   grant lasts; deleting the entry at the end lets aws-auth apply again.
 */
export type EntryPrecedence =
  | { kind: 'unmapped' }
  | {
      kind: 'carry';
      /** Undefined when aws-auth's username cannot be an entry's (a template EKS does not know): EKS's default. */
      username?: string;
      kubernetesGroups: readonly string[];
      /** aws-auth's own username and groups, for the card. */
      mapped: { username: string; groups: readonly string[] };
    }
  | { kind: 'refuse'; refusal: Extract<Refusal, { code: 'node_entry_protected' | 'aws_auth_cluster_admin' }> };

/** `principalArn` is the entry's ARN (roles with their IAM path); aws-auth matches roles without one. */
export function decideEntryPrecedence(doc: AwsAuthDocument, principalArn: string, cluster: string): EntryPrecedence {
  const parsed = parseArn(principalArn);
  const spelled = isParsedArn(parsed) ? awsAuthArn(parsed) : undefined;
  if (spelled === undefined) return { kind: 'unmapped' };
  const match = matchCaller(doc, spelled);
  // mapAccounts lets the caller in with no groups and the ARN as username: an entry loses nothing of that.
  if (match === undefined || match.via === 'mapAccounts') return { kind: 'unmapped' };
  const { username, groups } = match;
  if (isNodeEntry(match.entry)) {
    const reason =
      'aws-auth maps it as a node, Fargate or Windows role; an access entry would take its node groups away';
    return { kind: 'refuse', refusal: { code: 'node_entry_protected', cluster, principalArn, reason } };
  }
  if (groups.some(isMasters)) {
    return { kind: 'refuse', refusal: { code: 'aws_auth_cluster_admin', cluster, principalArn } };
  }
  const reserved = [username, ...groups].find((name) => name.trim().toLowerCase().startsWith('system:'));
  if (reserved !== undefined) {
    const reason = `aws-auth maps it to \`${reserved}\`, which belongs to Kubernetes components and cannot be carried into an access entry`;
    return { kind: 'refuse', refusal: { code: 'node_entry_protected', cluster, principalArn, reason } };
  }
  return {
    kind: 'carry',
    ...(isEntryUsername(username) ? { username } : {}),
    kubernetesGroups: groups.filter((g) => g.trim() !== ''),
    mapped: { username, groups },
  };
}

/**
 * Whether aws-auth's username can be an access entry's: EKS accepts only the `{{SessionName}}` template, after a
 * colon (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html, `username`).
 */
function isEntryUsername(username: string): boolean {
  if (username.trim() === '') return false;
  const templates = username.match(/\{\{[^}]*\}\}/g) ?? [];
  if (templates.some((t) => t !== '{{SessionName}}')) return false;
  const session = username.indexOf('{{SessionName}}');
  return session < 0 || username.slice(0, session).includes(':');
}

/** The card's line: what aws-auth gives the principal now and what the entry keeps, or why it will be refused. */
export function precedenceLine(decision: EntryPrecedence, principalArn: string): EntryPrecedenceInfo | undefined {
  if (decision.kind === 'unmapped') return undefined;
  if (decision.kind === 'refuse') return { text: plainText(describeRefusal(decision.refusal)), isRefused: true };
  const { username, groups } = decision.mapped;
  const what = /:role\//.test(principalArn) ? 'role' : 'user';
  const as = username === '' ? '' : ` as ${code(escapeUserText(username, 200))}`;
  const inGroups = groups.length > 0 ? ` in ${groups.map((g) => code(escapeUserText(g, 200))).join(', ')}` : '';
  const keeps =
    decision.username === undefined && username !== ''
      ? "the access entry keeps the groups (EKS cannot take that username, so the entry gets EKS's default)"
      : 'the access entry keeps that';
  return { text: `aws-auth maps this ${what}${as}${inGroups}; ${keeps}`, isRefused: false };
}
