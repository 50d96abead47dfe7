/**
 * What the executor says about a grant: the sentence a person reads when it stops one (stored as the request's
 * failure message and shown by `failedReply`), and the evidence lines of a verified one (shown by `grantedReply`).
 * Kept here so the use cases decide and the core words. These are stored strings (a failure message, evidence
 * lines), so they carry no spans and no chat markup: a status mark is a Unicode symbol every front end shows as is.
 */

/** The access-entry creator-safety check refused (`checkAccessEntryChange`); `reason` is its own message. */
export function creatorRefusedEntry(reason: string | undefined): string {
  return `creator-safety check refused the change: ${reason ?? 'the cluster creator is protected'}. The creator already has admin access; use the identity that created the cluster.`;
}

/** The single aws-auth writer's fold refused the item; `key`/`line` point into the ConfigMap when it says where. */
export function creatorRefusedAwsAuth(
  refusal: { code?: string; message?: string; key?: string; line?: number } = {},
): string {
  // An unparseable aws-auth means nobody mapped by it may be able to log in: it is flagged for a person to act now.
  const urgent = refusal.code === 'aws_auth_unparseable' ? '🚨 URGENT: ' : '';
  const where = refusal.key ? ` (${refusal.key}${refusal.line ? ` line ${refusal.line}` : ''})` : '';
  return `${urgent}creator-safety check refused the aws-auth change${where}: ${refusal.message ?? 'refused'}`;
}

/** The principal holds an EC2/Fargate (or other non-STANDARD) entry, which only AWS manages. */
export function nonStandardEntry(entryType: string): string {
  return `the principal already has a ${entryType} access entry (a node or Fargate entry); eks-access never changes those`;
}

export const CLUSTER_GONE = 'the cluster is no longer configured';

/** Why a principal cannot have an access entry, for the `invalid_principal` refusal. */
export function noAccessEntryFor(kind: string): string {
  return `${kind} principals cannot have access entries; map this person to an IAM role or user`;
}

export function noSuchRole(roleName: string, sessionArn: string): string {
  return `IAM has no role named ${roleName} (from the session ARN ${sessionArn})`;
}

/** What an aws-auth grant wrote and proved, one line each, for the "granted and verified" reply. */
export function awsAuthGrantLines(grant: {
  item: { kind: 'role' | 'user'; arn: string; username: string; groups: readonly string[] };
  write: { resourceVersionAfter: string; batchSize: number } | undefined;
  /** What the principal had before, which the grant keeps and the end puts back. */
  kept: { username: string; groups: readonly string[] } | undefined;
  bindings: readonly string[];
  proof: { verb: string; resource: string; namespace?: string };
}): string[] {
  const { item, write, kept, proof } = grant;
  const groups = (list: readonly string[]) => list.map((g) => `\`${g}\``).join(', ');
  const written = write
    ? ` (resourceVersion ${write.resourceVersionAfter}, ${write.batchSize} edit(s) in that write)`
    : ' (already so)';
  return [
    `aws-auth ${item.kind === 'role' ? 'mapRoles' : 'mapUsers'}: \`${item.arn}\` → username \`${item.username}\`, groups ${groups(item.groups)}${written}`,
    ...(kept
      ? [
          `kept what the principal had: username \`${kept.username}\`, groups ${groups(kept.groups)}; the end puts the item back exactly as it was`,
        ]
      : []),
    ...grant.bindings.map((b) => `RBAC ${b}`),
    `SubjectAccessReview: \`${item.username}\` may ${proof.verb} ${proof.resource}${proof.namespace ? ` in ${proof.namespace}` : ''}: allowed`,
  ];
}

/** An evidence line of an aws-auth end: a change someone made to the item during the grant, left in place. */
export function leftInPlaceLine(change: string): string {
  return `⚠️ changed outside eks-access during the grant, left for a person: ${change}`;
}
