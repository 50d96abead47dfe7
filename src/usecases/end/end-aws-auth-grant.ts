import { parseAwsAuth } from '../../core/aws-auth/document.ts';
import { matchCaller } from '../../core/aws-auth/match.ts';
import { leftInPlaceLine } from '../../core/messages/grant-texts.ts';
import { type AwsAuthEndPlan, planAwsAuthEnd } from '../../core/plan/aws-auth-delta.ts';
import { type AwsAuthGrantPlan, planAwsAuthGrant } from '../../core/plan/aws-auth-grant.ts';
import { type AwsAuthPrior, currentMapping } from '../../core/plan/aws-auth-prior.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { AdapterError } from '../../shared/errors.ts';
import { creatorOf } from '../apply/cluster-creator.ts';
import type { AwsAuthGateway } from '../ports/aws-auth.ts';
import type { Deps } from '../ports/deps.ts';
import { recordAudit } from '../support/record-audit.ts';

/** A restore that finds the item changed between its read and the write re-reads and re-plans, a few times. */
const MAX_ROUNDS = 3;

/**
 * Ends an aws-auth grant by restoring what the principal had before it (the prior state recorded at apply time):
 * the original item text back at its place when this was the last grant, or only this grant's groups taken away
 * while other grants remain. A change someone made to the item during the grant is left in place and reported.
 * RBAC bindings eks-access made that no other active grant and no aws-auth item still needs are deleted.
 * Returns the evidence lines for the thread and the audit.
 */
export async function removeFromAwsAuth(
  deps: Pick<Deps, 'audit' | 'awsAuth' | 'clock' | 'diagnostics' | 'store'>,
  cluster: ClusterSettings,
  request: AccessRequest,
  others: readonly AccessRequest[],
): Promise<string[]> {
  const plan = planAwsAuthGrant(request.principalArn, request.level, request.namespaces);
  if ('refusal' in plan) return [`nothing removed: ${plan.refusal}`];
  const prior = request.preState?.awsAuth;
  // Grants made before prior states were recorded end the way they always did.
  if (!prior) return legacyRemove(deps, cluster, request, plan, others);
  const gateway = await gatewayFor(deps, cluster);
  const creator = await creatorOf(deps, cluster);
  const mine = others.filter((o) => o.outcome?.method === 'aws-auth');
  const remaining = mine.flatMap((o) => groupsOf(o));
  let ended: AwsAuthEndPlan = { restored: [], drift: [] };
  let refusal: string | undefined;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const current = await gateway.read();
    ended = planAwsAuthEnd({
      id: `${request.id}-revoke`,
      prior,
      current: currentMapping(current?.data ?? {}, prior.kind, prior.arn),
      ending: plan.item.groups,
      remaining,
      username: plan.item.username,
    });
    if (!ended.op) break;
    const { result } = await gateway.submit(`${request.id}-revoke`, { ops: [ended.op], creator });
    if (result.status !== 'refused') break;
    if (result.refusal?.code === 'item_changed' && round < MAX_ROUNDS) continue;
    refusal = result.refusal?.message ?? 'refused by the safety check';
    break;
  }
  if (ended.drift.length > 0) await auditDrift(deps, request, prior, ended.drift);
  const after = await gateway.read();
  const bindings = await removeUnneededBindings(deps, gateway, request, plan, after?.data ?? {});
  return [
    ...(refusal ? [`aws-auth item left in place: ${refusal}`] : ended.restored),
    ...ended.drift.map(leftInPlaceLine),
    ...bindings,
  ];
}

async function gatewayFor(
  deps: Pick<Deps, 'awsAuth' | 'diagnostics'>,
  cluster: ClusterSettings,
): Promise<AwsAuthGateway> {
  const described = await deps.diagnostics.forCluster(cluster).describeCluster();
  if (!described.connection)
    throw new AdapterError('aws_unavailable', true, { upstream: 'DescribeCluster gave no endpoint' });
  return deps.awsAuth.forCluster(cluster, described.connection);
}

function groupsOf(request: AccessRequest): string[] {
  // A per-person grant (issue 19) puts no group on the role's item: it needs none of a whole-role grant's groups.
  if (request.outcome?.sessionUsername !== undefined) return [];
  const plan = planAwsAuthGrant(request.principalArn, request.level, request.namespaces);
  return 'refusal' in plan ? [] : [...plan.item.groups];
}

/**
 * Deletes the bindings this grant co-owns once nothing needs them: no other active aws-auth grant on the cluster
 * plans the same binding, and no aws-auth item maps its group any more (someone may rely on it by hand).
 */
async function removeUnneededBindings(
  deps: Pick<Deps, 'store'>,
  gateway: AwsAuthGateway,
  request: AccessRequest,
  plan: AwsAuthGrantPlan,
  data: Readonly<Record<string, string>>,
): Promise<string[]> {
  const owned = request.outcome?.awsAuthBindings ?? [];
  if (owned.length === 0) return [];
  const active = (await deps.store.activeOn(request.cluster)).filter(
    (o) => o.id !== request.id && o.outcome?.method === 'aws-auth',
  );
  const needed = active.flatMap((o) => {
    if (o.outcome?.sessionUsername !== undefined) return []; // per-person grants bind users, not these groups
    const other = planAwsAuthGrant(o.principalArn, o.level, o.namespaces);
    return 'refusal' in other
      ? []
      : other.bindings.flatMap((b) => (b.namespaces ?? [undefined]).map((ns) => key(b.group, ns)));
  });
  const doc = parseAwsAuth(data);
  const mapped = new Set([...doc.mapRoles, ...doc.mapUsers].flatMap((e) => e.groups));
  const lines: string[] = [];
  for (const binding of owned) {
    const where = `${binding.namespace ? `RoleBinding ${binding.namespace}/` : 'ClusterRoleBinding '}for \`${binding.group}\``;
    if (needed.includes(key(binding.group, binding.namespace))) {
      lines.push(`RBAC ${where} kept: another active grant uses it`);
      continue;
    }
    if (mapped.has(binding.group)) {
      lines.push(`RBAC ${where} kept: an aws-auth item still maps \`${binding.group}\``);
      continue;
    }
    const clusterRole = plan.bindings.find((b) => b.group === binding.group)?.clusterRole;
    if (!clusterRole) continue;
    const spec = {
      group: binding.group,
      clusterRole,
      ...(binding.namespace ? { namespaces: [binding.namespace] } : {}),
    };
    for (const removed of await gateway.removeBindings([spec])) {
      const name = `${removed.kind} ${removed.namespace ? `${removed.namespace}/` : ''}${removed.name}`;
      lines.push(
        removed.status === 'deleted'
          ? `RBAC ${name} deleted (the grant created it)`
          : removed.status === 'gone'
            ? `RBAC ${name} was already gone`
            : `RBAC ${name} kept: ${removed.why ?? 'changed since'}`,
      );
    }
  }
  return lines;
}

function key(group: string, namespace: string | undefined): string {
  return `${group}|${namespace ?? ''}`;
}

async function auditDrift(
  deps: Pick<Deps, 'audit' | 'clock'>,
  request: AccessRequest,
  prior: AwsAuthPrior,
  drift: readonly string[],
): Promise<void> {
  await recordAudit(deps, {
    type: 'drift',
    actor: 'eks-access',
    requestId: request.id,
    cluster: request.cluster,
    detail: { principalArn: prior.arn, where: 'aws-auth', changes: drift.join('; '), action: 'left in place' },
  });
}

/** Before prior states were recorded: the item is removed only when this grant added it and nobody else uses it. */
async function legacyRemove(
  deps: Pick<Deps, 'awsAuth' | 'diagnostics'>,
  cluster: ClusterSettings,
  request: AccessRequest,
  plan: AwsAuthGrantPlan,
  others: readonly AccessRequest[],
): Promise<string[]> {
  if (others.length > 0) return [`aws-auth item kept: ${others.length} other active grant(s) use it`];
  if (request.outcome?.hadEntryBefore) return ['aws-auth item kept: the principal was mapped before the grant'];
  const gateway = await gatewayFor(deps, cluster);
  const creator = await creatorOf(deps, cluster);
  const { result } = await gateway.submit(`${request.id}-revoke`, {
    ops: [{ op: 'remove', id: `${request.id}-revoke`, kind: plan.item.kind, arn: plan.item.arn }],
    creator,
  });
  if (result.status === 'refused')
    return [`aws-auth item left in place: ${result.refusal?.message ?? 'refused by the safety check'}`];
  const after = await gateway.read();
  const match = after ? matchCaller(parseAwsAuth(after.data), plan.item.arn) : undefined;
  return [
    match && match.via !== 'mapAccounts'
      ? `aws-auth still maps \`${plan.item.arn}\``
      : `aws-auth no longer maps \`${plan.item.arn}\``,
  ];
}
