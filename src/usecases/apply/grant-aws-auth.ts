import { asPrincipalArn } from '../../core/ids.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { awsAuthGrantLines, creatorRefusedAwsAuth } from '../../core/messages/grant-texts.ts';
import { grantItem } from '../../core/plan/aws-auth-delta.ts';
import type { AwsAuthEditResult } from '../../core/plan/aws-auth-fold.ts';
import { planAwsAuthGrant } from '../../core/plan/aws-auth-grant.ts';
import { currentMapping } from '../../core/plan/aws-auth-prior.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { recordAudit } from '../support/record-audit.ts';
import { type ApplyResult, announceOutcome, fail, failure, recordGrant } from '../support/request-lifecycle.ts';
import {
  bindingText,
  connectAwsAuth,
  ownedBindings,
  startAwsAuthApply,
  verifyAwsAuthGrant,
} from './aws-auth-grant-steps.ts';
import type { FlowDeps } from './flow-deps.ts';

type AwsAuthDeps = FlowDeps<'diagnostics' | 'awsAuth' | 'store' | 'audit' | 'clock'>;

/**
 * An approved grant through the aws-auth ConfigMap (CONFIG_MAP clusters, or `method: aws-auth`), for a request
 * `applyRequest` loaded and checked. The item goes through the cluster's single writer, whose fold runs the
 * creator-safety check against the document as it is at write time; a refusal changes nothing and is reported with
 * its reason. Afterwards the groups are bound to the level's ClusterRole, the ConfigMap is read back and a
 * SubjectAccessReview proves the mapped identity can do what the level promises.
 */
export async function grantAwsAuth(
  deps: AwsAuthDeps,
  loaded: AccessRequest,
  cluster: ClusterSettings,
): Promise<ApplyResult> {
  const plan = planAwsAuthGrant(loaded.principalArn, loaded.level, loaded.namespaces);
  if ('refusal' in plan) {
    const text = describeRefusal({ code: 'invalid_principal', reason: plan.refusal });
    return fail(deps, loaded.id, failure('invalid_principal', text, deps));
  }
  const { gateway, creator } = await connectAwsAuth(deps, cluster);
  const before = (await gateway.read())?.data;
  const { kind, arn } = plan.item;
  const active = (await deps.store.activeOn(loaded.cluster)).filter(
    (o) => o.id !== loaded.id && o.outcome?.method === 'aws-auth',
  );
  const { request, prior } = await startAwsAuthApply(deps, loaded, before, plan.item, active);
  // The person keeps what they had (username, groups) and gains the grant's groups for its duration.
  const item = grantItem(kind, arn, currentMapping(before ?? {}, kind, arn), plan.item.username, plan.item.groups);
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
  if (result.status === 'refused') return refuseWrite(deps, request, result);

  const ensured = await gateway.ensureBindings(plan.bindings);
  const bindings = ensured.map(bindingText);
  const after = await verifyAwsAuthGrant(gateway, item, plan);
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
      awsAuthBindings: ownedBindings(ensured, active),
    },
    {
      method: 'aws-auth',
      calls: calls.join('; '),
      resourceVersionAfter: write?.resourceVersionAfter ?? after.resourceVersion ?? '',
    },
  );
  await announceOutcome(
    deps,
    granted,
    awsAuthGrantLines({ item, write, kept: prior?.item, bindings, proof: plan.proof }),
  );
  return { status: granted.status };
}

/** The writer's safety fold refused the item: nothing was written; audited with the checks that failed. */
async function refuseWrite(deps: AwsAuthDeps, request: AccessRequest, result: AwsAuthEditResult): Promise<ApplyResult> {
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
