import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { listText } from '../format.ts';
import {
  BUILT_IN_ADMIN_GROUP,
  bindingsNaming,
  bindingText,
  createBindingCommand,
  kubernetesUser,
} from '../kubernetes-user.ts';
import { grantEnded } from './grant-ended.ts';
import { sessionUsername } from './session-username.ts';

/**
 * Cause 18: the principal is mapped (an access entry without access policy, or an aws-auth item) to a username and
 * groups that no RoleBinding or ClusterRoleBinding names. EKS never checks that a binding exists, so the mapping
 * authenticates and every request is Forbidden (403). Lists the bindings for the username and each group, says
 * which are missing, and gives the binding to add.
 */
export function rbacUnbound(e: Evidence): Finding | undefined {
  const user = kubernetesUser(e);
  if (!user?.needsRbac || !e.rbac?.known) return undefined;
  if (user.groups.includes(BUILT_IN_ADMIN_GROUP)) return undefined;
  // An entry with neither groups nor a session: entry-without-permissions says it better (associate a policy).
  if (user.via === 'entry' && user.groups.length === 0 && user.session === undefined) return undefined;
  // The session rule names the cause (another spelling, a template without the session, an ended grant).
  const session = sessionUsername(e);
  if (session !== undefined && (session.severity === 'blocker' || session.severity === 'urgent')) return undefined;
  const { bindings } = e.rbac.value;
  const ended = grantEnded(e);
  const userBindings = user.username !== undefined ? bindingsNaming(bindings, 'User', user.username) : [];
  const groups = user.groups.map((group) => ({ group, bindings: bindingsNaming(bindings, 'Group', group) }));
  const missingGroups = groups.filter((g) => g.bindings.length === 0).map((g) => g.group);
  const isBound = userBindings.length > 0 || groups.some((g) => g.bindings.length > 0);
  if (isBound && missingGroups.length === 0) return undefined;
  // Nothing binds them because their eks-access grant ended: that finding is the answer.
  if (!isBound && ended !== undefined) return undefined;
  const evidence = [
    `${user.where} maps you to username ${user.username ?? `${user.template} (not rendered: no session known)`}${
      user.groups.length > 0 ? `, groups ${user.groups.join(', ')}` : ', no groups'
    }`,
    ...(user.via === 'entry' ? ['No access policy is associated, so only RBAC can authorize requests'] : []),
    ...(user.username !== undefined
      ? [`Bindings for user ${user.username}: ${listText(userBindings.map(bindingText), 'none')}`]
      : []),
    ...groups.map((g) => `Bindings for group ${g.group}: ${listText(g.bindings.map(bindingText), 'none')}`),
    `${bindings.length} RoleBinding/ClusterRoleBinding objects on the cluster were read`,
  ];
  const what =
    missingGroups.length > 0
      ? `group${missingGroups.length > 1 ? 's' : ''} ${missingGroups.join(', ')}`
      : `user ${user.username ?? user.template}`;
  const commands = (
    missingGroups.length > 0
      ? missingGroups.map((g) => createBindingCommand('Group', g))
      : [createBindingCommand('User', user.username ?? user.template)]
  ).join('\n');
  return {
    rule: 'rbac-unbound',
    severity: isBound ? 'warning' : 'blocker',
    title: `No RoleBinding/ClusterRoleBinding names ${what}${isBound ? '' : ': every request is Forbidden (403)'}`,
    evidence,
    fix: isBound
      ? `The other bindings still authorize you; add a binding for ${what} if it is meant to grant more (pick the ClusterRole it should get):`
      : `EKS never checks that a binding exists: the mapping lets you in, and nothing authorizes a request. Add a binding (pick the ClusterRole: view, edit, admin) or request access:`,
    fixCommand: commands,
    symptom: 'forbidden',
  };
}
