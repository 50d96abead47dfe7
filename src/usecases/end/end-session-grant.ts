import { checkAccessEntryChange } from '../../core/aws-auth/safety.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../../core/plan/access-entries.ts';
import { SESSION_USERNAME_TEMPLATE } from '../../core/plan/session-grant.ts';
import type { AccessRequest, SessionBindingRecord } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { creatorOf } from '../apply/cluster-creator.ts';
import { bindingLine, kubernetesGatewayFor, sameBinding } from '../apply/session-bindings.ts';
import type { AwsAuthGateway } from '../ports/aws-auth.ts';
import type { Deps } from '../ports/deps.ts';

type SessionEndDeps = Pick<Deps, 'awsAuth' | 'diagnostics' | 'gateways' | 'store'>;

/**
 * Ends a per-person grant on a shared role (issue 19): deletes the RBAC bindings it made that no other active
 * grant lists, then the role's access entry or aws-auth item only when eks-access created it and no other active
 * grant on the role uses it; an entry or item that was there before is left exactly as it was. Returns the
 * evidence lines. `others` are the other active grants on the same cluster and role.
 */
export async function endSessionGrant(
  deps: SessionEndDeps,
  cluster: ClusterSettings,
  request: AccessRequest,
  others: readonly AccessRequest[],
): Promise<string[]> {
  const k8s = await kubernetesGatewayFor(deps, cluster);
  const lines = await removeSessionBindings(deps, k8s, request);
  const outcome = request.outcome;
  const roleArn = outcome?.principalArn ?? request.principalArn;
  if (!outcome?.createdRoleEntry) {
    return [...lines, `${where(outcome)} \`${roleArn}\` left as it was before the grant`];
  }
  if (others.length > 0) {
    return [...lines, `${where(outcome)} \`${roleArn}\` kept: ${others.length} other active grant(s) use it`];
  }
  const removed =
    outcome.method === 'aws-auth'
      ? await removeRoleItem(deps, cluster, k8s, request, roleArn)
      : await removeRoleEntry(deps, cluster, roleArn);
  return [...lines, removed];
}

function where(outcome: AccessRequest['outcome']): string {
  return outcome?.method === 'aws-auth' ? 'aws-auth item for' : 'access entry';
}

/** The bindings this grant co-owns, deleted unless another active grant on the cluster lists the same one. */
async function removeSessionBindings(
  deps: Pick<Deps, 'store'>,
  k8s: AwsAuthGateway,
  request: AccessRequest,
): Promise<string[]> {
  const owned = request.outcome?.sessionBindings ?? [];
  const user = request.outcome?.sessionUsername;
  if (owned.length === 0 || !user) return [];
  // The same username can come from two roles (an aws-auth `sso:{{SessionName}}` on each): look cluster-wide.
  const active = (await deps.store.activeOn(request.cluster)).filter((o) => o.id !== request.id);
  const isNeeded = (b: SessionBindingRecord) =>
    active.some((o) => (o.outcome?.sessionBindings ?? []).some((r) => sameBinding(r, b)));
  const lines: string[] = [];
  await Promise.all(
    owned.map(async (binding) => {
      if (isNeeded(binding)) {
        lines.push(`RBAC ${bindingLine(binding)} kept: another active grant uses it`);
        return;
      }
      const plan = {
        user,
        clusterRole: binding.clusterRole,
        ...(binding.namespace ? { namespaces: [binding.namespace] } : {}),
      };
      for (const removed of await k8s.removeUserBindings(plan)) {
        lines.push(
          removed.status === 'deleted'
            ? `RBAC ${bindingLine(removed)} deleted (the grant created it)`
            : removed.status === 'gone'
              ? `RBAC ${bindingLine(removed)} was already gone`
              : `RBAC ${bindingLine(removed)} kept: ${removed.why ?? 'changed since'}`,
        );
      }
    }),
  );
  return lines.sort();
}

/** The role's entry, deleted only while it is still ours and has no policy (one added by someone is theirs). */
async function removeRoleEntry(
  deps: Pick<Deps, 'diagnostics' | 'gateways'>,
  cluster: ClusterSettings,
  roleArn: string,
): Promise<string> {
  const entries = deps.gateways.forCluster(cluster).accessEntries;
  const entry = await entries.describeAccessEntry(roleArn);
  if (!entry) return `access entry \`${roleArn}\` was already gone`;
  if (entry.tags[MANAGED_BY_TAG] !== MANAGED_BY_VALUE) {
    return `access entry \`${roleArn}\` left in place: not tagged as made by eks-access`;
  }
  const policies = await entries.listAssociatedPolicies(roleArn);
  if (policies.length > 0) {
    const names = policies.map((p) => `\`${p.policyArn}\``).join(', ');
    return `access entry \`${roleArn}\` left in place: ${names} associated since, by someone else`;
  }
  const creator = await creatorOf(deps, cluster);
  const verdict = checkAccessEntryChange({ principalArn: roleArn, op: 'delete', creator, entryPolicyArns: [] });
  if (!verdict.ok) return `access entry \`${roleArn}\` left in place: ${verdict.refusal?.message ?? 'creator-safety'}`;
  await entries.deleteAccessEntry(roleArn);
  const after = await entries.describeAccessEntry(roleArn);
  return after
    ? `access entry \`${roleArn}\` still there after DeleteAccessEntry`
    : `access entry \`${roleArn}\` deleted (eks-access created it; no other grant uses it)`;
}

/** The item eks-access added, removed only while it is still exactly so (username template, no group). */
async function removeRoleItem(
  deps: Pick<Deps, 'diagnostics'>,
  cluster: ClusterSettings,
  k8s: AwsAuthGateway,
  request: AccessRequest,
  roleArn: string,
): Promise<string> {
  const creator = await creatorOf(deps, cluster);
  const id = `${request.id}-revoke`;
  const expect = { arn: roleArn, username: SESSION_USERNAME_TEMPLATE, groups: [] };
  const { result } = await k8s.submit(id, {
    ops: [{ op: 'restore_item', id, kind: 'role', arn: roleArn, expect, to: { kind: 'absent' } }],
    creator,
  });
  if (result.status === 'refused') {
    return `aws-auth item for \`${roleArn}\` left in place: ${result.refusal?.message ?? 'refused by the safety check'}`;
  }
  return `aws-auth item for \`${roleArn}\` removed (eks-access added it; no other grant uses it)`;
}
