import { checkAccessEntryChange } from '../../core/aws-auth/safety.ts';
import { asPrincipalArn } from '../../core/ids.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { creatorRefusedEntry, nonStandardEntry } from '../../core/messages/grant-texts.ts';
import { isCreatedByRequest, MANAGED_BY_TAG, MANAGED_BY_VALUE, ownershipTags } from '../../core/plan/access-entries.ts';
import { accessEntrySessionUser, sessionNameProblem } from '../../core/plan/session-grant.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import type { AccessEntryInfo } from '../ports/eks.ts';
import { recordAudit } from '../support/record-audit.ts';
import {
  type ApplyResult,
  advanceFrom,
  announceOutcome,
  fail,
  failure,
  recordGrant,
} from '../support/request-lifecycle.ts';
import { authenticationModeOf, takesAccessEntries } from './authentication-mode.ts';
import { creatorOf } from './cluster-creator.ts';
import { entryPrecedenceCheck } from './entry-precedence.ts';
import type { AccessEntryDeps } from './grant-access-entry.ts';
import { resolvePrincipal } from './resolve-principal.ts';
import { bindSession, kubernetesGatewayFor } from './session-bindings.ts';

/**
 * An approved per-person grant on a shared role through access entries (issue 19): the role gets an access entry
 * with the default username (created without any policy, tagged as ours; an existing entry is left exactly as it
 * is), and the level's ClusterRole is bound to the one username EKS renders for the person's session
 * (`arn:aws:sts::<account>:assumed-role/<role>/<session with @ as ->`). AssociateAccessPolicy is never called: a
 * policy on the role would grant everyone who signs in with it. Re-runnable: the create carries the request id as
 * its token and tag, and the bindings are named deterministically.
 */
export async function grantSessionAccessEntry(
  deps: AccessEntryDeps,
  loaded: AccessRequest,
  cluster: ClusterSettings,
): Promise<ApplyResult> {
  const session = loaded.session ?? '';
  const invalid = (reason: string) =>
    fail(deps, loaded.id, failure('invalid_principal', describeRefusal({ code: 'invalid_principal', reason }), deps));
  const problem = sessionNameProblem(session);
  if (problem) return invalid(problem);
  const gateway = deps.gateways.forCluster(cluster);
  const calls: string[] = [];
  const principal = await resolvePrincipal(deps, loaded, gateway.iam, calls);
  if ('failure' in principal) return fail(deps, loaded.id, principal.failure);
  const mode = await authenticationModeOf(gateway.accessEntries, loaded, calls);
  if (!takesAccessEntries(mode, loaded)) {
    const text = describeRefusal({ code: 'wrong_authentication_mode', cluster: loaded.cluster, mode });
    return fail(deps, loaded.id, failure('wrong_authentication_mode', text, deps));
  }
  const entries = gateway.accessEntries;
  const roleArn = principal.arn;
  const active = (await deps.store.activeFor(loaded.cluster, roleArn)).filter((o) => o.id !== loaded.id);
  let entry = await entries.describeAccessEntry(roleArn);
  calls.push('eks:DescribeAccessEntry');
  const request = await advanceFrom(deps, loaded, {
    hadEntryBefore: entry !== undefined && !isCreatedByRequest(entry.tags, loaded.id),
    hadPolicyBefore: false,
  });
  await recordAudit(deps, {
    type: 'applying',
    actor: 'eks-access',
    requestId: request.id,
    cluster: request.cluster,
    detail: { principalArn: roleArn, session, entry: entry ? 'exists: left as it is' : 'to create, without policy' },
  });

  if (!entry) {
    const created = await createRoleEntry(deps, request, cluster, roleArn, session, mode, calls);
    if ('stopped' in created) return created.stopped;
    entry = created.entry;
  }
  if (entry.type !== 'STANDARD') {
    return fail(deps, request.id, failure('non_standard_entry', nonStandardEntry(entry.type), deps));
  }
  const user = accessEntrySessionUser(entry.username, roleArn, session);
  if ('refusal' in user) return fail(deps, request.id, failure('session_username_fixed', user.refusal, deps));
  // Ours to remove at the end: made for this grant, or made for an active grant this one now shares it with.
  const isOurs = entry.tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE;
  const createdRoleEntry =
    isCreatedByRequest(entry.tags, request.id) || (isOurs && active.some((o) => o.outcome?.createdRoleEntry === true));

  const k8s = await kubernetesGatewayFor(deps, cluster);
  const bound = await bindSession(k8s, request, user.username, active);
  calls.push(...bound.bindings.map((b) => `k8s:ensure ${b.kind} ${b.name}`), 'k8s:POST subjectaccessreviews');
  const clusterRole = bound.bindings[0]?.clusterRole ?? request.level;
  const granted = await recordGrant(
    deps,
    request,
    {
      principalArn: asPrincipalArn(roleArn),
      policyArn: `RBAC ClusterRole ${clusterRole} for ${user.username}`,
      hadEntryBefore: request.preState?.hadEntryBefore ?? false,
      hadPolicyBefore: false,
      method: 'access-entries',
      sessionUsername: user.username,
      sessionBindings: bound.bindings,
      createdRoleEntry,
    },
    {
      principalArn: roleArn,
      username: user.username,
      calls: calls.join('; '),
      createdRoleEntry: String(createdRoleEntry),
    },
  );
  await announceOutcome(deps, granted, [
    `access entry \`${roleArn}\` (${createdRoleEntry ? 'created by eks-access, no access policy' : 'already there, left as it is'})`,
    ...bound.lines,
    `only the session \`${session}\` gets access; others who sign in with the role are not affected`,
  ]);
  return { status: granted.status };
}

/**
 * CreateAccessEntry for the role, with no policy and no username (EKS gives the default one), behind the
 * creator-safety check and, on API_AND_CONFIG_MAP, the aws-auth precedence check: an entry replaces the role's
 * aws-auth mapping for everyone, so it carries that mapping's username and groups.
 */
async function createRoleEntry(
  deps: AccessEntryDeps,
  request: AccessRequest,
  cluster: ClusterSettings,
  roleArn: string,
  session: string,
  mode: string | undefined,
  calls: string[],
): Promise<{ entry: AccessEntryInfo } | { stopped: ApplyResult }> {
  const creator = await creatorOf(deps, cluster);
  const safety = checkAccessEntryChange({ principalArn: roleArn, op: 'create', creator });
  if (!safety.ok) {
    const text = creatorRefusedEntry(safety.refusal?.message);
    return { stopped: await fail(deps, request.id, failure(safety.refusal?.code ?? 'creator_protected', text, deps)) };
  }
  const precedence =
    mode === 'API_AND_CONFIG_MAP' ? await entryPrecedenceCheck(deps, cluster, request, roleArn) : { carry: {} };
  if ('failure' in precedence) return { stopped: await fail(deps, request.id, precedence.failure) };
  // A carried username must still render per session, or the binding would name everyone's username.
  const carried = precedence.carry.username;
  if (carried !== undefined) {
    const user = accessEntrySessionUser(carried, roleArn, session);
    if ('refusal' in user) {
      return { stopped: await fail(deps, request.id, failure('session_username_fixed', user.refusal, deps)) };
    }
  }
  const created = await deps.gateways.forCluster(cluster).accessEntries.createAccessEntry({
    principalArn: roleArn,
    clientRequestToken: request.id,
    tags: ownershipTags(request.id),
    ...precedence.carry,
  });
  calls.push('eks:CreateAccessEntry');
  return { entry: created.entry };
}
