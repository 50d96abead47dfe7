import type { AccessRequest } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import { authenticationModeOf, takesAccessEntries } from '../apply/authentication-mode.ts';
import { type AccessEntryDeps, writeAccessEntryGrant } from '../apply/grant-access-entry.ts';
import { resolvePrincipal } from '../apply/resolve-principal.ts';
import { type ApplyResult, advanceFrom, fail } from '../support/request-lifecycle.ts';
import { reportRecovery } from './report-recovery.ts';
import { switchToApiAndConfigMap } from './switch-mode.ts';

/**
 * An approved lock-out recovery: a cluster-admin access entry for the named admin. Access entries need only the
 * AWS API, so they are the way back in when aws-auth is broken; on a CONFIG_MAP cluster the mode is switched to
 * API_AND_CONFIG_MAP first. Then the grant's own writes (no aws-auth precedence check: aws-auth is what is broken),
 * and a diagnosis of what still needs fixing.
 */
export async function recoverLockOut(
  deps: AccessEntryDeps,
  request: AccessRequest,
  cluster: ClusterSettings,
): Promise<ApplyResult> {
  const gateway = deps.gateways.forCluster(cluster);
  const calls: string[] = [];
  const principal = await resolvePrincipal(deps, request, gateway.iam, calls);
  if ('failure' in principal) return fail(deps, request.id, principal.failure);
  const mode = await authenticationModeOf(gateway.accessEntries, request, calls);
  let started = request;
  if (!takesAccessEntries(mode, request)) {
    // A CONFIG_MAP cluster has no entries, so nothing pre-existed.
    started = await advanceFrom(deps, request, {
      hadEntryBefore: false,
      hadPolicyBefore: false,
      prior: { policies: [], at: deps.clock.now() },
    });
    started = await switchToApiAndConfigMap(deps, started, gateway.accessEntries, calls);
  }
  const target = { principalArn: principal.arn, entries: gateway.accessEntries, calls };
  const written = await writeAccessEntryGrant(deps, started, cluster, target, { awsAuthPrecedence: false });
  if ('stopped' in written) return written.stopped;
  await reportRecovery(deps, cluster, written.granted, calls);
  return { status: written.granted.status };
}
