import { asPrincipalArn } from '../ids.ts';
import { isParsedArn, parseArn } from './arn.ts';
import type { PersonIdentity } from './person-identity.ts';

/** STS role session names: 2 to 64 of letters, digits and `+=,.@_-` (what `RoleSessionName` accepts). */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** Why a Slack profile gives no session name for `identity.sso`. */
export type SsoSessionProblem = 'no_email' | 'invalid_session';

/**
 * The session name a person signs in to their account's IAM Identity Center role with, from their Slack profile
 * email: the whole email, or the part before `@` (`identity.sso[].sessionName`). Refused when there is no email, or
 * when what it gives is not a session name STS would accept (it could then never match a signed-in session).
 */
export function ssoSessionName(
  email: string | undefined,
  form: 'email' | 'email-local-part',
): { session: string } | { problem: SsoSessionProblem } {
  const trimmed = email?.trim() ?? '';
  if (trimmed === '' || !trimmed.includes('@')) return { problem: 'no_email' };
  const session = form === 'email' ? trimmed : trimmed.slice(0, trimmed.lastIndexOf('@'));
  return SESSION_NAME.test(session) ? { session } : { problem: 'invalid_session' };
}

/** What identity resolution needs of a link (the port's LinkedIdentity has these fields). */
export interface LinkFacts {
  readonly principalArn: string;
  readonly session?: string | undefined;
  readonly account: string;
}

/**
 * The identity a `link` gives on a cluster in `accountId`: a role link is that person's session on the role, a
 * user link the IAM user. A link proved in another account says nothing about this cluster: undefined.
 */
export function identityFromLink(link: LinkFacts, accountId: string): PersonIdentity | undefined {
  if (link.account !== accountId) return undefined;
  const parsed = parseArn(link.principalArn);
  if (!isParsedArn(parsed) || parsed.account !== accountId) return undefined;
  const arn = asPrincipalArn(link.principalArn);
  if (parsed.kind === 'role' && link.session) {
    return { kind: 'session', roleArn: arn, session: link.session, source: 'link' };
  }
  return { kind: 'principal', arn, source: 'link' };
}
