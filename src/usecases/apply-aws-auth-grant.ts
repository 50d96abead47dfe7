import { parseAwsAuth } from '../core/aws-auth/document.ts';
import { matchCaller } from '../core/aws-auth/match.ts';
import type { ClusterSettings } from '../core/directory.ts';
import { asPrincipalArn } from '../core/ids.ts';
import { describeRefusal } from '../core/messages/describe-refusal.ts';
import { planAwsAuthGrant } from '../core/plan/aws-auth-grant.ts';
import type { AccessRequest } from '../core/request/request.ts';
import { AdapterError } from '../shared/errors.ts';
import { creatorFromFacts } from './cluster-creator.ts';
import type { Deps } from './ports.ts';
import { type ApplyResult, advanceFrom, announceOutcome, fail, failure, recordGrant } from './request-lifecycle.ts';

/**
 * Executes an approved grant through the aws-auth ConfigMap (CONFIG_MAP clusters, or `method: aws-auth`).
 * The item goes through the cluster's single writer, whose fold runs the creator-safety check against the
 * document as it is at write time; a refusal changes nothing and is reported with its reason. Afterwards the
 * groups are bound to the level's ClusterRole, the ConfigMap is read back and a SubjectAccessReview proves
 * the mapped identity can do what the level promises.
 */
export async function applyAwsAuthGrant(
  deps: Deps,
  loaded: AccessRequest,
  cluster: ClusterSettings,
): Promise<ApplyResult> {
  const plan = planAwsAuthGrant(loaded.principalArn, loaded.level, loaded.namespaces);
  if ('refusal' in plan)
    return fail(
      deps,
      loaded.id,
      failure('invalid_principal', describeRefusal({ code: 'invalid_principal', reason: plan.refusal }), deps),
    );
  const diagnostics = deps.diagnostics.forCluster(cluster);
  const described = await diagnostics.describeCluster();
  if (!described.connection) {
    throw new AdapterError('aws_unavailable', true, {
      upstream: 'DescribeCluster gave no endpoint or certificate authority',
    });
  }
  const creator = await creatorFromFacts(diagnostics, described.facts);
  const gateway = deps.awsAuth.forCluster(cluster, described.connection);
  const before = await gateway.read();
  const previous = before ? matchCaller(parseAwsAuth(before.data), plan.item.arn) : undefined;
  const hadEntryBefore = previous !== undefined && previous.via !== 'mapAccounts';
  const request = await advanceFrom(deps, loaded, { hadEntryBefore, hadPolicyBefore: false });
  await deps.audit.append({
    type: 'applying',
    at: deps.clock.now(),
    actor: 'eks-access',
    requestId: request.id,
    cluster: request.cluster,
    detail: { method: 'aws-auth', item: JSON.stringify(plan.item), creator: creator.isKnown ? 'known' : 'unknown' },
  });

  const { result, write } = await gateway.submit(request.id, {
    ops: [{ op: 'upsert', id: request.id, item: plan.item }],
    creator,
  });
  if (result.status === 'refused') {
    const refusal = result.refusal;
    await deps.audit.append({
      type: 'refused',
      at: deps.clock.now(),
      actor: 'eks-access',
      requestId: request.id,
      cluster: request.cluster,
      detail: {
        code: refusal?.code ?? 'refused',
        message: refusal?.message ?? '',
        checks: result.checks
          .filter((c) => !c.passed)
          .map((c) => c.id)
          .join(','),
      },
    });
    const urgent = refusal?.code === 'aws_auth_unparseable' ? ':rotating_light: URGENT: ' : '';
    const where = refusal?.key ? ` (${refusal.key}${refusal.line ? ` line ${refusal.line}` : ''})` : '';
    return fail(
      deps,
      request.id,
      failure(
        refusal?.code ?? 'refused',
        `${urgent}creator-safety check refused the aws-auth change${where}: ${refusal?.message ?? 'refused'}`,
        deps,
      ),
    );
  }

  const bindings = await gateway.ensureBindings(plan.bindings);
  const after = await gateway.read();
  const match = after ? matchCaller(parseAwsAuth(after.data), plan.item.arn) : undefined;
  const isMapped = match !== undefined && match.via !== 'mapAccounts' && match.username === plan.item.username;
  const proof = await gateway.canI({ user: plan.item.username, groups: plan.item.groups, ...plan.proof });
  if (!isMapped || !proof.allowed) {
    throw new AdapterError('k8s_unavailable', true, {
      upstream: `read-back: mapped ${isMapped}, ${plan.proof.verb} ${plan.proof.resource} allowed ${proof.allowed}`,
    });
  }
  const calls = [
    'k8s:GET configmaps/aws-auth',
    'k8s:PUT configmaps/aws-auth',
    ...bindings.map((b) => `k8s:ensure ${b}`),
    'k8s:POST subjectaccessreviews',
  ];
  const granted = await recordGrant(
    deps,
    request,
    {
      principalArn: asPrincipalArn(plan.item.arn),
      policyArn: `aws-auth groups ${plan.item.groups.join(', ')}`,
      hadEntryBefore: request.preState?.hadEntryBefore ?? false,
      hadPolicyBefore: false,
      method: 'aws-auth',
    },
    {
      method: 'aws-auth',
      calls: calls.join('; '),
      resourceVersionAfter: write?.resourceVersionAfter ?? after?.resourceVersion ?? '',
    },
  );
  await announceOutcome(deps, granted, [
    `aws-auth ${plan.item.kind === 'role' ? 'mapRoles' : 'mapUsers'}: \`${plan.item.arn}\` → username \`${plan.item.username}\`, groups ${plan.item.groups.map((g) => `\`${g}\``).join(', ')}${write ? ` (resourceVersion ${write.resourceVersionAfter}, ${write.batchSize} edit(s) in that write)` : ' (already so)'}`,
    ...bindings.map((b) => `RBAC ${b}`),
    `SubjectAccessReview: \`${plan.item.username}\` may ${plan.proof.verb} ${plan.proof.resource}${plan.proof.namespace ? ` in ${plan.proof.namespace}` : ''}: allowed`,
  ]);
  return { status: granted.status };
}
