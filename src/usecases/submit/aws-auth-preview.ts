import { editAwsAuth } from '../../core/aws-auth/edit.ts';
import { formatSafetyChecks, previewAwsAuthChange } from '../../core/aws-auth/preview.ts';
import { checkAwsAuthChange } from '../../core/aws-auth/safety.ts';
import type { Level } from '../../core/levels.ts';
import { grantItem } from '../../core/plan/aws-auth-delta.ts';
import { planAwsAuthGrant } from '../../core/plan/aws-auth-grant.ts';
import { currentMapping } from '../../core/plan/aws-auth-prior.ts';
import type { AwsAuthPreviewInfo } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { toAdapterError } from '../../shared/errors.ts';
import { creatorFromFacts } from '../apply/cluster-creator.ts';
import { grantsThroughAwsAuth } from '../apply/grant-method.ts';
import type { Deps } from '../ports/deps.ts';

/**
 * What an approver will change on an aws-auth cluster, shown on the card before anyone clicks Approve: the diff
 * of the item and the creator-safety checks, computed by the same edit and check that will run (the executor
 * re-checks at write time against the document as it is then). Undefined for access-entry clusters.
 */
export async function awsAuthPreviewFor(
  deps: Pick<Deps, 'awsAuth' | 'diagnostics' | 'gateways'>,
  cluster: ClusterSettings,
  principalArn: string,
  level: Level,
  namespaces: readonly string[],
): Promise<AwsAuthPreviewInfo | undefined> {
  try {
    if (!(await grantsThroughAwsAuth(deps, cluster))) return undefined;
    const plan = planAwsAuthGrant(principalArn, level, namespaces);
    if ('refusal' in plan) return { unavailable: plan.refusal };
    const diagnostics = deps.diagnostics.forCluster(cluster);
    const described = await diagnostics.describeCluster();
    if (!described.connection) return { unavailable: 'DescribeCluster gave no endpoint' };
    const [current, creator] = await Promise.all([
      deps.awsAuth.forCluster(cluster, described.connection).read(),
      creatorFromFacts(diagnostics, described.facts),
    ]);
    const before = current?.data ?? {};
    // The same composition the executor writes: what the person has now, plus the grant's groups.
    const { kind, arn, username, groups } = plan.item;
    const item = grantItem(kind, arn, currentMapping(before, kind, arn), username, groups);
    const ops = [{ op: 'upsert' as const, id: 'preview', item }];
    const preview = previewAwsAuthChange(before, ops);
    const verdict = checkAwsAuthChange({ before, after: editAwsAuth(before, ops).data, ops, creator });
    return { lines: preview.lines, checks: formatSafetyChecks(verdict.checks), isSafe: verdict.ok };
  } catch (error) {
    const adapterError = toAdapterError(error);
    return { unavailable: `could not read aws-auth (${adapterError.upstream ?? adapterError.code})` };
  }
}
