import { isParsedArn, parseArn } from '../../core/identity/arn.ts';
import { asPrincipalArn } from '../../core/ids.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { creatorRefusedAwsAuth } from '../../core/messages/grant-texts.ts';
import { currentMapping } from '../../core/plan/aws-auth-prior.ts';
import { awsAuthSessionUser, decideSessionItem, SESSION_USERNAME_TEMPLATE } from '../../core/plan/session-grant.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { AdapterError } from '../../shared/errors.ts';
import { recordAudit } from '../support/record-audit.ts';
import {
  type ApplyResult,
  advanceFrom,
  announceOutcome,
  fail,
  failure,
  recordGrant,
} from '../support/request-lifecycle.ts';
import { connectAwsAuth } from './aws-auth-grant-steps.ts';
import type { FlowDeps } from './flow-deps.ts';
import { bindSession } from './session-bindings.ts';

type AwsAuthDeps = FlowDeps<'diagnostics' | 'awsAuth' | 'store' | 'audit' | 'clock'>;

/**
 * An approved per-person grant on a shared role through aws-auth (issue 19). The role's mapRoles item (path-less
 * ARN) must render each session's own username: when there is none, eks-access adds one with username
 * `sso:{{SessionName}}` and no group, through the cluster's single writer and its creator-safety check; an item
 * that renders per session is used as it is; an item with a fixed username is refused, never changed. Then the
 * level's ClusterRole is bound to the username rendered for the person's session (`sso:erin-example.com`).
 */
export async function grantSessionAwsAuth(
  deps: AwsAuthDeps,
  loaded: AccessRequest,
  cluster: ClusterSettings,
): Promise<ApplyResult> {
  const session = loaded.session ?? '';
  const parsed = parseArn(loaded.principalArn);
  const roleName = isParsedArn(parsed)
    ? parsed.kind === 'role'
      ? parsed.name
      : parsed.kind === 'assumed-role'
        ? parsed.roleName
        : undefined
    : undefined;
  if (!isParsedArn(parsed) || roleName === undefined) {
    const reason = 'a per-person grant needs the shared IAM role the person signs in to';
    return fail(
      deps,
      loaded.id,
      failure('invalid_principal', describeRefusal({ code: 'invalid_principal', reason }), deps),
    );
  }
  const roleArn = `arn:${parsed.partition}:iam::${parsed.account}:role/${roleName}`;
  const { gateway, creator } = await connectAwsAuth(deps, cluster);
  const before = (await gateway.read())?.data ?? {};
  const decision = decideSessionItem(currentMapping(before, 'role', roleArn), roleArn, session);
  if (decision.kind === 'refuse')
    return fail(deps, loaded.id, failure('session_username_fixed', decision.reason, deps));
  const active = (await deps.store.activeFor(loaded.cluster, roleArn)).filter((o) => o.id !== loaded.id);
  // A resumed run finds the item its first run added: what counts is what the first run recorded.
  const request = await advanceFrom(deps, loaded, {
    hadEntryBefore: decision.kind === 'reuse',
    hadPolicyBefore: false,
  });
  await recordAudit(deps, {
    type: 'applying',
    actor: 'eks-access',
    requestId: request.id,
    cluster: request.cluster,
    detail: {
      method: 'aws-auth',
      principalArn: roleArn,
      session,
      item: decision.kind === 'create' ? JSON.stringify(decision.item) : 'exists: left as it is',
      creator: creator.isKnown ? 'known' : 'unknown',
    },
  });
  let written: string | undefined;
  if (decision.kind === 'create') {
    const { result, write } = await gateway.submit(request.id, {
      ops: [{ op: 'upsert', id: request.id, item: decision.item }],
      creator,
    });
    if (result.status === 'refused') {
      await recordAudit(deps, {
        type: 'refused',
        actor: 'eks-access',
        requestId: request.id,
        cluster: request.cluster,
        detail: { code: result.refusal?.code ?? 'refused', message: result.refusal?.message ?? '' },
      });
      return fail(
        deps,
        request.id,
        failure(result.refusal?.code ?? 'refused', creatorRefusedAwsAuth(result.refusal), deps),
      );
    }
    written = write?.resourceVersionAfter;
  }
  const username = decision.username;
  const after = await gateway.read();
  const mapped = currentMapping(after?.data ?? {}, 'role', roleArn);
  const rendered = mapped ? awsAuthSessionUser(mapped.username, roleArn, session) : undefined;
  if (!rendered || !('username' in rendered) || rendered.username !== username) {
    throw new AdapterError('k8s_unavailable', true, {
      upstream: `read-back: aws-auth does not map \`${roleArn}\` to \`${username}\` yet`,
    });
  }
  const isFirstRunCreate = request.preState?.hadEntryBefore === false;
  const sharesOurs =
    mapped?.username === SESSION_USERNAME_TEMPLATE && active.some((o) => o.outcome?.createdRoleEntry === true);
  const createdRoleEntry = isFirstRunCreate || sharesOurs;
  const bound = await bindSession(gateway, request, username, active);
  const granted = await recordGrant(
    deps,
    request,
    {
      principalArn: asPrincipalArn(roleArn),
      policyArn: `RBAC ClusterRole ${bound.bindings[0]?.clusterRole ?? request.level} for ${username}`,
      hadEntryBefore: request.preState?.hadEntryBefore ?? false,
      hadPolicyBefore: false,
      method: 'aws-auth',
      sessionUsername: username,
      sessionBindings: bound.bindings,
      createdRoleEntry,
    },
    {
      method: 'aws-auth',
      principalArn: roleArn,
      username,
      createdRoleEntry: String(createdRoleEntry),
      resourceVersionAfter: written ?? after?.resourceVersion ?? '',
    },
  );
  await announceOutcome(deps, granted, [
    `aws-auth mapRoles: \`${roleArn}\` → username \`${mapped?.username ?? ''}\`, no group (${decision.kind === 'create' ? 'added by eks-access' : 'already there, left as it is'})`,
    ...bound.lines,
    `only the session \`${session}\` gets access; others who sign in with the role are not affected`,
  ]);
  return { status: granted.status };
}
