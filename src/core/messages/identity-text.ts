import { isParsedArn, parseArn } from '../identity/arn.ts';
import type { SharedRole } from '../identity/shared-role.ts';
import type { AccessRequest } from '../request/request.ts';
import { code, foreignCode, person, type Rich, rich, strong } from './rich.ts';

/** The role's name (no path), as people see it when they sign in: `AWSReservedSSO_Developer_0123abcd`. */
function roleNameOf(roleArn: string): string {
  const parsed = parseArn(roleArn);
  if (!isParsedArn(parsed)) return roleArn;
  if (parsed.kind === 'role' || parsed.kind === 'user') return parsed.name;
  return roleArn;
}

/** Where the identity came from, in the card's words: `(from IAM Identity Center)`, `(from users)`, `(linked …)`. */
export function identitySourceText(request: Pick<AccessRequest, 'identitySource' | 'linkedAt'>): Rich {
  switch (request.identitySource ?? 'users') {
    case 'sso':
      return ['(from IAM Identity Center)'];
    case 'link':
      return request.linkedAt === undefined
        ? ['(linked)']
        : [`(linked ${new Date(request.linkedAt).toISOString().slice(0, 10)})`];
    case 'users':
      return rich`(from ${code('users')})`;
  }
}

/**
 * Who in IAM the grant is for: "as alice@example.com on `AWSReservedSSO_Developer_…` (from IAM Identity Center)",
 * or "as `arn:…` (from users)". The session name came from outside (a Slack profile, a link): quoted as foreign.
 */
export function identityText(request: AccessRequest): Rich {
  const what = request.session
    ? rich`${foreignCode(request.session)} on ${code(roleNameOf(request.principalArn))}`
    : rich`${code(request.principalArn)}`;
  return rich`as ${what} ${identitySourceText(request)}`;
}

/** For a session grant: whose session gets access, and that the role's other users are not affected. */
export function sessionScopeText(request: AccessRequest): Rich | undefined {
  if (!request.session) return undefined;
  const role = code(roleNameOf(request.principalArn));
  return rich`Only ${person(request.subject)}'s session (${foreignCode(request.session)}) on ${role} gets ${request.level}: other people who sign in to ${role} are not affected, and the role gets no access policy.`;
}

function sharedReasonText(shared: SharedRole): Rich {
  switch (shared.reason) {
    case 'sso-reserved':
      return ['an IAM Identity Center role: everyone with its permission set in the account signs in to it'];
    case 'identity-sso':
      return rich`the account's IAM Identity Center role under ${code('identity.sso')}`;
    case 'several-users':
      return rich`${String(shared.people ?? 2)} people in ${code('users')} map to it`;
  }
}

/** The bold warning for a grant to a whole shared role, with why it is shared; undefined for anything else. */
export function sharedRoleWarning(request: AccessRequest): Rich | undefined {
  const shared = request.sharedRole;
  if (!shared) return undefined;
  return rich`${strong(rich`This grants ${request.level} to everyone who signs in to ${code(shared.roleArn)}`)}, not only ${person(request.subject)} (${sharedReasonText(shared)}). Approving it needs a step-up.`;
}
