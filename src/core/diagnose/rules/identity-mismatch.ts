import { mappedPrincipalAccess } from '../access-state.ts';
import { switchIdentityFlags, updateKubeconfigCommand } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { identitySourceText, parsePrincipal, samePrincipalIgnoringRolePath, ssoPermissionSet } from '../principal.ts';

/**
 * Cause 1, the most common one: kubectl signs with another AWS identity than the one that was granted
 * (another profile, `AWS_PROFILE` or `--role-arn` in the kubeconfig exec args, another SSO permission set).
 */
export function identityMismatch(e: Evidence): Finding | undefined {
  const { given, mapped, source, iamArn } = e.identity;
  if (source === 'mapped' || mapped === undefined) return undefined;
  if (samePrincipalIgnoringRolePath(iamArn ?? given, mapped)) return sessionMismatch(e);
  const inUseSet = ssoPermissionSet(given);
  const mappedSet = ssoPermissionSet(mapped);
  const evidence = [`Identity in use: ${given} (${identitySourceText(e)})`, `Mapped for you: ${mapped}`];
  if (inUseSet !== undefined && mappedSet !== undefined) {
    evidence.push(
      `You are signed in with SSO permission set ${inUseSet}; the mapped role belongs to permission set ${mappedSet}`,
    );
  }
  const mappedAccess = mappedPrincipalAccess(e, mapped);
  evidence.push(...mappedAccess.lines);
  const isCaller = source === 'caller_identity';
  const advice = switchAdvice(e, mapped, mappedSet);
  const needsGrant = mappedAccess.hasAccess === false;
  // The identity stated is the one kubectl signs with (or so the person says): that it is not the mapped one is
  // the answer, whatever the pasted principal's own mappings are, so it blocks and leads (diagnose.ts).
  return {
    rule: 'identity-mismatch',
    severity: 'blocker',
    title: isCaller
      ? `kubectl uses ${given}, not ${mapped}, the identity mapped for you`
      : `The ARN given is not ${mapped}, the identity mapped for you`,
    evidence,
    fix: needsGrant
      ? `${advice.fix} ${mapped} has no access on this cluster yet either: request access for it.`
      : advice.fix,
    fixCommand: advice.fixCommand,
    ...(needsGrant ? { isGrantFix: true } : {}),
    ...(isCaller ? { symptom: 'unauthorized' as const } : {}),
  };
}

function switchAdvice(e: Evidence, mapped: string, mappedSet: string | undefined): { fix: string; fixCommand: string } {
  const check =
    'The kubeconfig exec args (--profile, --role-arn) and AWS_PROFILE in its env override your shell; check the result with aws sts get-caller-identity.';
  const parsed = parsePrincipal(mapped);
  const how =
    mappedSet !== undefined
      ? `Sign in with SSO permission set ${mappedSet} and point kubectl at that profile.`
      : parsed?.kind === 'role'
        ? `Let kubectl assume ${mapped} (or use a profile that does).`
        : `Use the AWS profile with the credentials of ${parsed?.kind === 'user' ? `IAM user ${parsed.name}` : mapped}.`;
  return { fix: `${how} ${check}`, fixCommand: updateKubeconfigCommand(e, switchIdentityFlags(mapped)) };
}

/**
 * The right role but another session: the person is mapped to `{ role, session }` and signs in to the role under
 * another session name (another person's, or a profile with a different `role_session_name`). Their grant binds
 * only their own session's username.
 */
function sessionMismatch(e: Evidence): Finding | undefined {
  const { given, mapped, mappedSession } = e.identity;
  const parsed = parsePrincipal(given);
  if (mappedSession === undefined || mapped === undefined || parsed?.kind !== 'assumed-role') return undefined;
  if (parsed.sessionName === mappedSession) return undefined;
  return {
    rule: 'identity-mismatch',
    severity: 'blocker',
    title: `You are signed in to ${parsed.roleName} as session ${parsed.sessionName}, not ${mappedSession}, the session mapped for you`,
    evidence: [
      `Identity in use: ${given} (${identitySourceText(e)})`,
      `Mapped for you: session ${mappedSession} on ${mapped}`,
      "Grants on a shared role bind one session's Kubernetes username: another session name is another user",
    ],
    fix: `Sign in with the session name ${mappedSession} (for IAM Identity Center, as the person mapped; for a profile, role_session_name = ${mappedSession}), then check with aws sts get-caller-identity.`,
    fixCommand: 'aws sts get-caller-identity',
    ...(e.identity.source === 'caller_identity' ? { symptom: 'forbidden' as const } : {}),
  };
}
