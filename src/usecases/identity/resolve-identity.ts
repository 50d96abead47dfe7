import { identityFromLink, ssoSessionName } from '../../core/identity/identity-sources.ts';
import type { IdentitySource, PersonIdentity } from '../../core/identity/person-identity.ts';
import { asPrincipalArn, type PersonId, type PrincipalArn } from '../../core/ids.ts';
import type { Refusal } from '../../core/refusals.ts';
import { approvalPolicyOf, type ClusterSettings, configuredIdentity } from '../../core/settings.ts';
import type { Deps } from '../ports/deps.ts';

/** A person's identity on one cluster, or why there is none (a refusal the flow words and audits). */
export type IdentityResolution =
  | {
      ok: true;
      identity: PersonIdentity;
      /** For a link: when it was proved (the card shows it). */
      linkedAt?: number;
    }
  | { ok: false; refusal: Refusal };

/** A resolution that found the person. */
export type ResolvedIdentity = Extract<IdentityResolution, { ok: true }>;

export type ResolveIdentityDeps = Pick<Deps, 'settings' | 'profiles' | 'identityLinks'>;

/**
 * Who `person` is in IAM for a grant on `cluster`, from the identity sources in order:
 * 1. `users:` (an ARN, or `{ role, session }`);
 * 2. `identity.sso` for the cluster's account: the Slack profile email gives the session on that account's role
 *    (a deactivated person or a bot is refused; no usable email is refused only if no link applies either);
 * 3. a `link` proved in the cluster's account (a link in another account says nothing about this cluster).
 * Nothing found: `unmapped_user`, which tells how to link. Throws AdapterError when the chat or the store does not
 * answer (the job retries).
 */
export async function resolveIdentity(
  deps: ResolveIdentityDeps,
  person: PersonId,
  cluster: ClusterSettings,
): Promise<IdentityResolution> {
  const configured = configuredIdentity(deps.settings, person);
  if (configured) return { ok: true, identity: configured };
  const askWhom = approvalPolicyOf(cluster).approvers;
  const sso = deps.settings.identity?.sso?.find((entry) => entry.accountId === cluster.accountId);
  let ssoRefusal: Refusal | undefined;
  if (sso) {
    const profile = await deps.profiles.profile(person);
    if (profile?.isDeleted)
      return { ok: false, refusal: { code: 'inactive_person', user: person, reason: 'deactivated' } };
    if (profile?.isBot) return { ok: false, refusal: { code: 'inactive_person', user: person, reason: 'bot' } };
    const named = ssoSessionName(profile?.email, sso.sessionName);
    if ('session' in named) {
      return {
        ok: true,
        identity: { kind: 'session', roleArn: asPrincipalArn(sso.roleArn), session: named.session, source: 'sso' },
      };
    }
    ssoRefusal = {
      code: 'sso_identity_unavailable',
      user: person,
      accountId: cluster.accountId,
      reason: named.problem,
      askWhom,
    };
  }
  const link = await deps.identityLinks.get(person);
  const linked = link ? identityFromLink(link, cluster.accountId) : undefined;
  if (link && linked) return { ok: true, identity: linked, linkedAt: link.linkedAt };
  return {
    ok: false,
    refusal: ssoRefusal ?? { code: 'unmapped_user', user: person, askWhom, accountId: cluster.accountId },
  };
}

/** What a request stores of a resolved identity (NewRequestFields plus `linkedAt`): for a session, the role ARN. */
export interface IdentityFields {
  principalArn: PrincipalArn;
  session?: string;
  identitySource?: IdentitySource;
  linkedAt?: number;
}

export function identityFields(resolved: ResolvedIdentity): IdentityFields {
  const { identity } = resolved;
  return {
    principalArn: identity.kind === 'session' ? identity.roleArn : identity.arn,
    ...(identity.kind === 'session' ? { session: identity.session } : {}),
    identitySource: identity.source,
    ...(resolved.linkedAt !== undefined ? { linkedAt: resolved.linkedAt } : {}),
  };
}
