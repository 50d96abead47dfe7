import type { PersonId } from '../ids.ts';
import { type GroupMembers, isListed } from '../request/approval.ts';
import type { ClusterSettings } from '../settings.ts';
import { samePrincipalIgnoringRolePath } from './principal.ts';

/**
 * Who a diagnosis is shown to, which decides how much of it they see:
 * - `full`: an approver of the cluster (they decide who gets access, so they see who has it);
 * - `own`: the person diagnosing the identity configured for them under `users`;
 * - `stranger`: anyone else. A diagnosis names other principals' aws-auth lines and groups, access entries and
 *   policies, and the cluster's creator; a stranger gets the verdict and the fix for the ARN, none of that.
 */
export type Audience = 'full' | 'own' | 'stranger';

export interface AudienceInput {
  /** Whether the asker approves requests on this cluster (see `clusterApproverIds`), groups resolved. */
  isApprover: boolean;
  /** The asker's configured principal (`users`), if any. */
  mapped?: string | undefined;
  /** The ARN the diagnosis is about (as given, pasted or mapped). */
  diagnosed: string;
}

export function diagnosisAudience(input: AudienceInput): Audience {
  if (input.isApprover) return 'full';
  return isOwnIdentity(input.mapped, input.diagnosed) ? 'own' : 'stranger';
}

/**
 * The diagnosed ARN is the asker's own when EKS would take it for their configured principal: a role and any
 * session of it (`assumed-role/ROLE/…`), the role with or without its IAM path (role names are unique in an
 * account whatever the path), letters compared without case as the authenticator does. Users keep their path.
 */
export function isOwnIdentity(mapped: string | undefined, diagnosed: string): boolean {
  return samePrincipalIgnoringRolePath(mapped, diagnosed);
}

/**
 * Everyone who approves some request on the cluster: its `approvers` and every per-level `policies.<level>.approvers`
 * (user ids and user-group ids): the people a stranger is told to ask for the full diagnosis.
 */
export function clusterApproverIds(cluster: Pick<ClusterSettings, 'approvers' | 'policies'>): string[] {
  const perLevel = Object.values(cluster.policies ?? {}).flatMap((policy) => policy?.approvers ?? []);
  return [...new Set([...cluster.approvers, ...perLevel])];
}

export function isClusterApprover(
  cluster: Pick<ClusterSettings, 'approvers' | 'policies'>,
  user: PersonId,
  members: GroupMembers = {},
): boolean {
  return isListed(clusterApproverIds(cluster), user, members);
}
