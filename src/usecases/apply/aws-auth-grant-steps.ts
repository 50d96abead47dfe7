import { parseAwsAuth } from '../../core/aws-auth/document.ts';
import type { AwsAuthItem } from '../../core/aws-auth/edit.ts';
import { matchCaller } from '../../core/aws-auth/match.ts';
import type { AwsAuthGrantPlan } from '../../core/plan/aws-auth-grant.ts';
import { type AwsAuthPrior, capturePrior } from '../../core/plan/aws-auth-prior.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { AdapterError } from '../../shared/errors.ts';
import type { AwsAuthGateway, BindingResult } from '../ports/aws-auth.ts';
import type { Deps } from '../ports/deps.ts';
import { advanceFrom } from '../support/request-lifecycle.ts';
import { type CreatorVerdictInput, creatorFromFacts } from './cluster-creator.ts';
import type { LifecycleDeps } from './flow-deps.ts';

type AwsAuthData = Record<string, string>;

/** The cluster's aws-auth writer over its Kubernetes API, and the creator its safety check protects. */
export async function connectAwsAuth(
  deps: Pick<Deps, 'diagnostics' | 'awsAuth'>,
  cluster: ClusterSettings,
): Promise<{ gateway: AwsAuthGateway; creator: CreatorVerdictInput }> {
  const diagnostics = deps.diagnostics.forCluster(cluster);
  const described = await diagnostics.describeCluster();
  if (!described.connection) {
    throw new AdapterError('aws_unavailable', true, {
      upstream: 'DescribeCluster gave no endpoint or certificate authority',
    });
  }
  const creator = await creatorFromFacts(diagnostics, described.facts);
  return { gateway: deps.awsAuth.forCluster(cluster, described.connection), creator };
}

/**
 * Records what the principal had in aws-auth with the move to `applying` (a resumed run keeps what its first run
 * recorded). Overlapping grants share the prior state of the first: the item now already carries that grant's
 * groups, so reading it again would take the bot's own groups for "before".
 */
export async function startAwsAuthApply(
  deps: Pick<Deps, 'clock'> & LifecycleDeps,
  loaded: AccessRequest,
  before: AwsAuthData | undefined,
  { kind, arn }: Pick<AwsAuthItem, 'kind' | 'arn'>,
  active: readonly AccessRequest[],
): Promise<{ request: AccessRequest; prior: AwsAuthPrior | undefined }> {
  const inherited = active.find((o) => o.outcome?.principalArn === arn && o.preState?.awsAuth)?.preState?.awsAuth;
  const prior = loaded.preState?.awsAuth ?? inherited ?? capturePrior(before ?? {}, kind, arn);
  const previous = before ? matchCaller(parseAwsAuth(before), arn) : undefined;
  const hadEntryBefore = previous !== undefined && previous.via !== 'mapAccounts';
  const request = await advanceFrom(deps, loaded, {
    hadEntryBefore,
    hadPolicyBefore: false,
    ...(prior ? { awsAuth: prior } : {}),
  });
  return { request, prior };
}

/**
 * Reads the ConfigMap back and asks the API server (SubjectAccessReview) whether the mapped identity may do what
 * the level promises. Not yet: a retryable error, so the queue tries again.
 */
export async function verifyAwsAuthGrant(
  gateway: AwsAuthGateway,
  item: AwsAuthItem,
  plan: AwsAuthGrantPlan,
): Promise<{ resourceVersion?: string }> {
  const after = await gateway.read();
  const match = after ? matchCaller(parseAwsAuth(after.data), item.arn) : undefined;
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
  return after ? { resourceVersion: after.resourceVersion } : {};
}

export function bindingText(b: BindingResult): string {
  return `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name} (${b.status})`;
}

/**
 * The bindings this grant co-owns: those it created, and those an active aws-auth grant created and shares (the
 * last grant needing one deletes it). A binding that existed before any of them is prior state and never listed.
 */
export function ownedBindings(
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
