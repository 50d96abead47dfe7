import { accessEntrySessionUsername, renderSessionName } from '../../identity/person-identity.ts';
import type { BindingFact, Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import {
  bindingsNaming,
  bindingText,
  createBindingCommand,
  isBoundByRbac,
  type KubernetesUser,
  kubernetesUser,
  templateKeepsSession,
} from '../kubernetes-user.ts';
import { entryPrincipal, principalName } from '../principal.ts';

/**
 * A session on a shared role (an SSO permission set, a role several people sign in to): the role's access entry or
 * aws-auth item yields one Kubernetes username per session, and the per-person binding must name exactly that
 * username. Two causes: the username template drops the session (a fixed username, so everyone with the role shares
 * it and a per-person binding never matches), and a binding for another spelling of the name (`erin@example.com`
 * where EKS renders `erin-example.com`, or another case).
 */
export function sessionUsername(e: Evidence): Finding | undefined {
  const user = kubernetesUser(e);
  if (user?.session === undefined) return undefined;
  if (!templateKeepsSession(user.template)) return droppedSession(e, user, user.session);
  if (!e.rbac?.known || user.username === undefined || !user.needsRbac) return undefined;
  const { bindings } = e.rbac.value;
  if (isBoundByRbac(e, user)) return undefined;
  const found = otherSpelling(bindings, user.username, [user.rawUsername, user.session]);
  if (!found) return undefined;
  return {
    rule: 'session-username',
    severity: 'blocker',
    title: `A binding names ${found.name}, but EKS renders your username as ${user.username}`,
    evidence: [
      `${user.where}: username ${user.template}, rendered for session ${user.session} as ${user.username}`,
      ...(user.session.includes('@')
        ? [
            `{{SessionName}} turns every @ of the session name into -${user.via === 'entry' ? ' (access entries have no {{SessionNameRaw}})' : ''}`,
          ]
        : []),
      `${bindingText(found.binding)} names User ${found.name}`,
      `Bindings for user ${user.username}: none`,
    ],
    fix: `RBAC compares names exactly, so that binding never matches. Bind the name EKS renders${
      found.binding.roleRef.kind === 'ClusterRole' ? ` to ${found.binding.roleRef.name}` : ''
    } (and remove the other binding):`,
    fixCommand: createBindingCommand(
      'User',
      user.username,
      found.binding.roleRef.kind === 'ClusterRole' ? found.binding.roleRef.name : 'view',
    ),
    symptom: 'forbidden',
  };
}

function otherSpelling(
  bindings: readonly BindingFact[],
  username: string,
  variants: readonly (string | undefined)[],
): { name: string; binding: BindingFact } | undefined {
  const wanted = username.toLowerCase();
  for (const binding of bindings) {
    for (const subject of binding.subjects) {
      if (subject.kind !== 'User' || subject.name === username) continue;
      if (variants.includes(subject.name) || subject.name.toLowerCase() === wanted) {
        return { name: subject.name, binding };
      }
    }
  }
  return undefined;
}

function droppedSession(e: Evidence, user: KubernetesUser, session: string): Finding | undefined {
  const shared = user.username ?? user.template;
  const role = entryPrincipal(e) ?? e.identity.given;
  // The names a per-person grant would have bound for this session (EKS's default username, both spellings).
  const perSession = [accessEntrySessionUsername(role, session), session, renderSessionName(session)].filter(
    (name): name is string => name !== undefined,
  );
  const bindings = e.rbac?.known ? e.rbac.value.bindings : [];
  const stranded = perSession.flatMap((name) => bindingsNaming(bindings, 'User', name).map((b) => ({ name, b })));
  // A role one team shares on purpose (`ci` for the deploy role) is fine: it matters for a person mapped to a
  // session of it, or when per-person bindings were made that this username never produces.
  if (stranded.length === 0 && e.identity.mappedSession === undefined) return undefined;
  const isAuthorized = !user.needsRbac || isBoundByRbac(e, user);
  const roleName = principalName(role)?.name ?? 'role';
  const suggested = `${roleName}:{{SessionName}}`;
  return {
    rule: 'session-username',
    severity: stranded.length > 0 && !isAuthorized ? 'blocker' : 'warning',
    title: `The username for ${role} drops the session: everyone who signs in to it is ${shared}`,
    evidence: [
      `${user.where}: username ${user.template} has no {{SessionName}} or {{SessionNameRaw}}`,
      `Your session ${session} is ${shared} to Kubernetes, like every other session of the role`,
      ...stranded.map(({ name, b }) => `${bindingText(b)} names User ${name}, which this username never produces`),
    ],
    fix:
      user.via === 'entry'
        ? `A binding for one person applies to everyone with the role. Give the entry a username with the session (EKS's default, or one with a ":" before {{SessionName}}); changing it changes everyone's username, so it needs its own approved change:`
        : `A binding for one person applies to everyone with the role. Give the aws-auth item a username with the session (a separate, approved change: it changes everyone's username):`,
    fixCommand:
      user.via === 'entry'
        ? `aws eks update-access-entry --cluster-name ${e.cluster.name} --region ${e.cluster.region} --principal-arn ${role} --username '${suggested}'`
        : `username: ${suggested}`,
    symptom: 'forbidden',
  };
}
