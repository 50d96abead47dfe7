import { renderSessionName } from '../identity/person-identity.ts';
import { effectiveAccess } from './access-state.ts';
import type { BindingFact, Evidence } from './evidence.ts';
import { parsePrincipal } from './principal.ts';

/**
 * The Kubernetes user the cluster makes of the caller: the username its access entry or aws-auth item yields (with
 * the templates rendered for the caller's session) and its groups, and whether RBAC must authorize it. An access
 * entry with an access policy is authorized by EKS through the policy; groups and usernames need RBAC bindings.
 */
export interface KubernetesUser {
  via: 'entry' | 'aws-auth';
  /** Where the mapping lives, for evidence lines: `access entry <arn>` or `aws-auth mapRoles line 7`. */
  where: string;
  /** The username as configured, templates and all (an entry without one gets EKS's default). */
  template: string;
  /** The username rendered for the caller; undefined when it depends on a session that is not known. */
  username?: string;
  /** The username as it would read with `{{SessionNameRaw}}` (session kept as typed), to spot an `@` binding. */
  rawUsername?: string;
  groups: readonly string[];
  /** The caller's session name, when the caller is a session on a role. */
  session?: string;
  /** False when an access policy authorizes (EKS, not RBAC). */
  needsRbac: boolean;
}

const SESSION_PLACEHOLDERS = ['{{SessionName}}', '{{SessionNameRaw}}'];

/** Whether a username template carries the session, so each person who signs in to the role gets their own. */
export function templateKeepsSession(template: string): boolean {
  return SESSION_PLACEHOLDERS.some((p) => template.includes(p));
}

/** The session of the caller: the last segment of a session ARN (`assumed-role/ROLE/SESSION`). */
export function callerSession(e: Evidence): string | undefined {
  const parsed = parsePrincipal(e.identity.given);
  return parsed?.kind === 'assumed-role' ? parsed.sessionName : undefined;
}

/** EKS's default username for an entry: a role's session ARN without path, a user's ARN as it is. */
export function defaultEntryUsername(principalArn: string): string | undefined {
  const parsed = parsePrincipal(principalArn);
  if (parsed?.kind === 'role') {
    return `arn:${parsed.partition}:sts::${parsed.account}:assumed-role/${parsed.name}/{{SessionName}}`;
  }
  if (parsed?.kind === 'user') return principalArn;
  return undefined;
}

/**
 * Renders `{{AccountID}}`, `{{SessionName}}` (`@` → `-`) and `{{SessionNameRaw}}`; undefined when a placeholder
 * needs a value the diagnosis does not have (a session for a role given without one, an access key, an instance).
 */
export function renderUsername(template: string, account: string, session: string | undefined): string | undefined {
  if (/\{\{(AccessKeyID|EC2PrivateDNSName)\}\}/.test(template)) return undefined;
  if (session === undefined && templateKeepsSession(template)) return undefined;
  return template
    .replaceAll('{{AccountID}}', account)
    .replaceAll('{{SessionNameRaw}}', session ?? '')
    .replaceAll('{{SessionName}}', renderSessionName(session ?? ''));
}

export function kubernetesUser(e: Evidence): KubernetesUser | undefined {
  const access = effectiveAccess(e);
  const session = callerSession(e);
  const account = parsePrincipal(e.identity.given)?.account ?? e.cluster.accountId;
  const render = (template: string) => {
    const username = renderUsername(template, account, session);
    const raw = renderUsername(template.replaceAll('{{SessionName}}', '{{SessionNameRaw}}'), account, session);
    return { ...(username !== undefined ? { username } : {}), ...(raw !== undefined ? { rawUsername: raw } : {}) };
  };
  const withSession = session !== undefined ? { session } : {};
  if (access.kind === 'entry') {
    const template = access.entry.username ?? defaultEntryUsername(access.entry.principalArn);
    if (template === undefined) return undefined;
    return {
      via: 'entry',
      where: `access entry ${access.entry.principalArn}`,
      template,
      ...render(template),
      groups: access.entry.kubernetesGroups,
      ...withSession,
      needsRbac: access.policies.length === 0,
    };
  }
  if (access.kind === 'aws-auth' && access.match.via !== 'mapAccounts') {
    const { entry } = access.match;
    return {
      via: 'aws-auth',
      where: `aws-auth ${entry.list} line ${entry.line}`,
      template: entry.username,
      ...render(entry.username),
      groups: access.match.groups.filter((g) => g.trim() !== ''),
      ...withSession,
      needsRbac: true,
    };
  }
  return undefined;
}

/** `system:masters` is bound to cluster-admin by the API server itself, with no binding object to list. */
export const BUILT_IN_ADMIN_GROUP = 'system:masters';

/** The bindings that name this user or group as a subject (exact, case-sensitive, as RBAC compares). */
export function bindingsNaming(
  bindings: readonly BindingFact[],
  kind: 'User' | 'Group',
  name: string,
): readonly BindingFact[] {
  return bindings.filter((b) => b.subjects.some((s) => s.kind === kind && s.name === name));
}

export function bindingText(b: BindingFact): string {
  const where = b.namespace !== undefined ? ` in ${b.namespace}` : '';
  return `${b.kind} ${b.name}${where} (${b.roleRef.kind}/${b.roleRef.name})`;
}

/** Whether RBAC authorizes the user at all: a binding names the username or one of its groups. */
export function isBoundByRbac(e: Evidence, user = kubernetesUser(e)): boolean {
  if (!user || !e.rbac?.known) return false;
  const { bindings } = e.rbac.value;
  if (user.groups.includes(BUILT_IN_ADMIN_GROUP)) return true;
  if (user.username !== undefined && bindingsNaming(bindings, 'User', user.username).length > 0) return true;
  return user.groups.some((g) => bindingsNaming(bindings, 'Group', g).length > 0);
}

/** `eks-access-team-dev` from `team:dev`: a valid binding name (lower-case DNS subdomain, at most 63 here). */
function bindingName(subject: string): string {
  const slug = subject
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return `eks-access-${slug || 'user'}`;
}

/** The kubectl command that binds a user or group to a ClusterRole across the cluster. */
export function createBindingCommand(kind: 'User' | 'Group', name: string, clusterRole = 'view'): string {
  const flag = kind === 'User' ? '--user' : '--group';
  return `kubectl create clusterrolebinding ${bindingName(name)} --clusterrole=${clusterRole} ${flag}='${name.replaceAll("'", "'\\''")}'`;
}
