import { type Audience, clusterApproverIds, diagnosisAudience, isOwnIdentity } from '../../core/diagnose/audience.ts';
import type { PersonId } from '../../core/ids.ts';
import { isListed, userGroupsIn } from '../../core/request/approval.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';
import { membersOf } from '../review/approval-policy.ts';

/**
 * Who is asking, for how much of the diagnosis they see (core `diagnosisAudience`). User groups are resolved only
 * when the answer depends on them; when Slack cannot list a group, its members count as none (fail closed: the
 * person gets the summary and is told to ask an approver, rather than no answer at all).
 */
export async function audienceOf(
  deps: Pick<Deps, 'userGroups'>,
  cluster: ClusterSettings,
  user: PersonId,
  identity: { given: string; mapped?: string | undefined },
): Promise<Audience> {
  const ids = clusterApproverIds(cluster);
  const isDirect = isListed(ids, user);
  const needsGroups = !isDirect && !isOwnIdentity(identity.mapped, identity.given) && userGroupsIn(ids).length > 0;
  const members = needsGroups ? await membersOf(deps, ids).catch(() => ({})) : {};
  return diagnosisAudience({
    isApprover: isDirect || isListed(ids, user, members),
    mapped: identity.mapped,
    diagnosed: identity.given,
  });
}
