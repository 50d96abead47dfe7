import { planSessionBinding, sessionProof } from '../../core/plan/session-grant.ts';
import type { AccessRequest, SessionBindingRecord } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { AdapterError } from '../../shared/errors.ts';
import type { AwsAuthGateway, UserBindingResult } from '../ports/aws-auth.ts';
import type { Deps } from '../ports/deps.ts';

/** The cluster's Kubernetes API (RBAC, reviews, aws-auth), reached through DescribeCluster's endpoint and CA. */
export async function kubernetesGatewayFor(
  deps: Pick<Deps, 'awsAuth' | 'diagnostics'>,
  cluster: ClusterSettings,
): Promise<AwsAuthGateway> {
  const described = await deps.diagnostics.forCluster(cluster).describeCluster();
  if (!described.connection) {
    throw new AdapterError('aws_unavailable', true, {
      upstream: 'DescribeCluster gave no endpoint or certificate authority',
    });
  }
  return deps.awsAuth.forCluster(cluster, described.connection);
}

/**
 * Binds the session's username to the level's ClusterRole, reads each binding back and asks the API server
 * (SubjectAccessReview, the username alone, no groups) whether it may do what the level promises. Not yet: a
 * retryable error, so the queue tries again. Returns the bindings this grant co-owns and the evidence lines.
 */
export async function bindSession(
  gateway: AwsAuthGateway,
  request: AccessRequest,
  username: string,
  active: readonly AccessRequest[],
): Promise<{ bindings: SessionBindingRecord[]; lines: string[] }> {
  const plan = planSessionBinding(username, request.level, request.namespaces);
  const ensured = await gateway.ensureUserBindings(plan);
  const readBack = await Promise.all(
    ensured.map((b) =>
      gateway.hasUserBinding({
        user: username,
        clusterRole: plan.clusterRole,
        ...(b.namespace ? { namespace: b.namespace } : {}),
      }),
    ),
  );
  const proof = sessionProof(request.namespaces);
  const answer = await gateway.canI({ user: username, groups: [], ...proof });
  if (readBack.some((isThere) => !isThere) || !answer.allowed) {
    throw new AdapterError('k8s_unavailable', true, {
      upstream: `read-back: ${readBack.filter(Boolean).length} of ${ensured.length} binding(s) found, ${proof.verb} ${proof.resource} allowed ${answer.allowed}`,
    });
  }
  const bindings = ownedSessionBindings(ensured, plan.clusterRole, active);
  const where = proof.namespace ? ` in ${proof.namespace}` : '';
  return {
    bindings,
    lines: [
      ...ensured.map((b) => `RBAC ${bindingLine(b)} binds ClusterRole \`${plan.clusterRole}\` to User \`${username}\``),
      `SubjectAccessReview: \`${username}\` (no groups) may ${proof.verb} ${proof.resource}${where}: allowed`,
    ],
  };
}

/**
 * The bindings this grant co-owns: those it created or repaired, and those an active session grant made and still
 * lists (the last grant needing one deletes it). A binding that existed before any of them is never listed.
 */
export function ownedSessionBindings(
  ensured: readonly UserBindingResult[],
  clusterRole: string,
  active: readonly AccessRequest[],
): SessionBindingRecord[] {
  const isListedByActive = (b: UserBindingResult) =>
    active.some((o) => (o.outcome?.sessionBindings ?? []).some((r) => sameBinding(r, b)));
  return ensured
    .filter((b) => b.status === 'created' || b.status === 'repaired' || isListedByActive(b))
    .map((b) => ({ kind: b.kind, name: b.name, ...(b.namespace ? { namespace: b.namespace } : {}), clusterRole }));
}

export function sameBinding(
  a: Pick<SessionBindingRecord, 'kind' | 'name' | 'namespace'>,
  b: Pick<SessionBindingRecord, 'kind' | 'name' | 'namespace'>,
): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

export function bindingLine(b: Pick<UserBindingResult, 'kind' | 'name' | 'namespace'> & { status?: string }): string {
  return `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}${b.status ? ` (${b.status})` : ''}`;
}
