import { parseAwsAuth } from '../../core/aws-auth/document.ts';
import { matchCaller } from '../../core/aws-auth/match.ts';
import { asPrincipalArn } from '../../core/ids.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { creatorRefusedAwsAuth } from '../../core/messages/grant-failures.ts';
import { grantItem } from '../../core/plan/aws-auth-delta.ts';
import { planAwsAuthGrant } from '../../core/plan/aws-auth-grant.ts';
import { capturePrior, currentMapping } from '../../core/plan/aws-auth-prior.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { AdapterError } from '../../shared/errors.ts';
import type { BindingResult } from '../ports/aws-auth.ts';
import { recordAudit } from '../support/record-audit.ts';
import {
  type ApplyResult,
  advanceFrom,
  announceOutcome,
  fail,
  failure,
  recordGrant,
} from '../support/request-lifecycle.ts';
import { creatorFromFacts } from './cluster-creator.ts';
import type { FlowDeps } from './flow-deps.ts';

/**
 * An approved grant through the aws-auth ConfigMap (CONFIG_MAP clusters, or `method: aws-auth`), for a request
 * `applyRequest` loaded and checked.
 * The item goes through the cluster's single writer, whose fold runs the creator-safety check against the
 * document as it is at write time; a refusal changes nothing and is reported with its reason. Afterwards the
 * groups are bound to the level's ClusterRole, the ConfigMap is read back and a SubjectAccessReview proves
 * the mapped identity can do what the level promises.
 */
export async function grantAwsAuth(
  deps: FlowDeps<'diagnostics' | 'awsAuth' | 'store' | 'audit' | 'clock'>,
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
  const { kind, arn } = plan.item;
  const active = (await deps.store.activeOn(loaded.cluster)).filter(
    (o) => o.id !== loaded.id && o.outcome?.method === 'aws-auth',
  );
  // Overlapping grants share the prior state of the first: the item now already carries that grant's groups.
  const inherited = active.find((o) => o.outcome?.principalArn === arn && o.preState?.awsAuth)?.preState?.awsAuth;
  const prior = loaded.preState?.awsAuth ?? inherited ?? capturePrior(before?.data ?? {}, kind, arn);
  const previous = before ? matchCaller(parseAwsAuth(before.data), arn) : undefined;
  const hadEntryBefore = previous !== undefined && previous.via !== 'mapAccounts';
  const request = await advanceFrom(deps, loaded, {
    hadEntryBefore,
    hadPolicyBefore: false,
    ...(prior ? { awsAuth: prior } : {}),
  });
  // The person keeps what they had (username, groups) and gains the grant's groups for its duration.
  const item = grantItem(
    kind,
    arn,
    currentMapping(before?.data ?? {}, kind, arn),
    plan.item.username,
    plan.item.groups,
  );
  await recordAudit(deps, {
    type: 'applying',
    actor: 'eks-access',
    requestId: request.id,
    cluster: request.cluster,
    detail: { method: 'aws-auth', item: JSON.stringify(item), creator: creator.isKnown ? 'known' : 'unknown' },
  });

  const { result, write } = await gateway.submit(request.id, {
    ops: [{ op: 'upsert', id: request.id, item }],
    creator,
  });
  if (result.status === 'refused') {
    const refusal = result.refusal;
    const code = refusal?.code ?? 'refused';
    const failedChecks = result.checks.filter((c) => !c.passed).map((c) => c.id);
    await recordAudit(deps, {
      type: 'refused',
      actor: 'eks-access',
      requestId: request.id,
      cluster: request.cluster,
      detail: { code, message: refusal?.message ?? '', checks: failedChecks.join(',') },
    });
    return fail(deps, request.id, failure(code, creatorRefusedAwsAuth(refusal), deps));
  }

  const ensured = await gateway.ensureBindings(plan.bindings);
  const bindings = ensured.map(bindingText);
  const owned = ownedBindings(ensured, active);
  const after = await gateway.read();
  const match = after ? matchCaller(parseAwsAuth(after.data), arn) : undefined;
  const isMapped =
    match !== undefined &&
    match.via !== 'mapAccounts' &&
    match.username === item.username &&
    plan.item.groups.every((g) => match.groups.includes(g));
  const proof = await gateway.canI({ user: item.username, groups: item.groups, ...plan.proof });
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
      principalArn: asPrincipalArn(arn),
      policyArn: `aws-auth groups ${plan.item.groups.join(', ')}`,
      hadEntryBefore: request.preState?.hadEntryBefore ?? false,
      hadPolicyBefore: false,
      method: 'aws-auth',
      awsAuthBindings: owned,
    },
    {
      method: 'aws-auth',
      calls: calls.join('; '),
      resourceVersionAfter: write?.resourceVersionAfter ?? after?.resourceVersion ?? '',
    },
  );
  const kept = prior?.item
    ? [
        `kept what the principal had: username \`${prior.item.username}\`, groups ${prior.item.groups.map((g) => `\`${g}\``).join(', ')}; the end puts the item back exactly as it was`,
      ]
    : [];
  await announceOutcome(deps, granted, [
    `aws-auth ${kind === 'role' ? 'mapRoles' : 'mapUsers'}: \`${arn}\` → username \`${item.username}\`, groups ${item.groups.map((g) => `\`${g}\``).join(', ')}${write ? ` (resourceVersion ${write.resourceVersionAfter}, ${write.batchSize} edit(s) in that write)` : ' (already so)'}`,
    ...kept,
    ...bindings.map((b) => `RBAC ${b}`),
    `SubjectAccessReview: \`${item.username}\` may ${plan.proof.verb} ${plan.proof.resource}${plan.proof.namespace ? ` in ${plan.proof.namespace}` : ''}: allowed`,
  ]);
  return { status: granted.status };
}

function bindingText(b: BindingResult): string {
  return `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name} (${b.status})`;
}

/**
 * The bindings this grant co-owns: those it created, and those an active aws-auth grant created and shares (the
 * last grant needing one deletes it). A binding that existed before any of them is prior state and never listed.
 */
function ownedBindings(
  ensured: readonly BindingResult[],
  active: readonly AccessRequest[],
): { group: string; namespace?: string }[] {
  const sameAs = (b: BindingResult) => (o: { group: string; namespace?: string }) =>
    o.group === b.group && o.namespace === b.namespace;
  return ensured
    .filter(
      (b) =>
        b.status === 'created' ||
        b.status === 'repaired' ||
        active.some((o) => (o.outcome?.awsAuthBindings ?? []).some(sameAs(b))),
    )
    .map((b) => ({ group: b.group, ...(b.namespace ? { namespace: b.namespace } : {}) }));
}
