import type { Level } from '../../core/levels.ts';
import { type ApprovalPolicy, type GroupMembers, userGroupsIn } from '../../core/request/approval.ts';
import type { RequestKind } from '../../core/request/request.ts';
import { approvalPolicyOf, type ClusterSettings } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';

/** The members of every user group the list names (through the cached UserGroups port). */
export async function membersOf(deps: Pick<Deps, 'userGroups'>, ids: readonly string[]): Promise<GroupMembers> {
  const groups = userGroupsIn(ids);
  const members = await Promise.all(groups.map((group) => deps.userGroups.members(group)));
  return Object.fromEntries(groups.map((group, index) => [group, members[index] ?? []]));
}

/** The approval policy in force for a request, with the members of its approver groups resolved. */
export async function resolvedPolicy(
  deps: Pick<Deps, 'userGroups'>,
  cluster: ClusterSettings,
  kind: RequestKind,
  level: Level,
): Promise<ApprovalPolicy> {
  const policy = approvalPolicyOf(cluster, kind, level);
  return { ...policy, groupMembers: await membersOf(deps, policy.approvers) };
}
