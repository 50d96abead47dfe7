import { effectiveAccess } from '../access-state.ts';
import { awsAuthItemLines } from '../aws-auth-text.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { principalName } from '../principal.ts';

/**
 * Matched only because the account is listed in mapAccounts: the caller gets in as its ARN with no groups,
 * so nearly every request is Forbidden.
 */
export function mapAccountsOnly(e: Evidence): Finding | undefined {
  const access = effectiveAccess(e);
  if (access.kind !== 'aws-auth' || access.match.via !== 'mapAccounts') return undefined;
  const { match } = access;
  const name = principalName(match.canonicalArn);
  const list = name?.kind === 'user' ? 'mapUsers' : 'mapRoles';
  return {
    rule: 'map-accounts-only',
    severity: 'blocker',
    title: `You are mapped only through mapAccounts (${match.account}): signed in as your ARN with no groups`,
    evidence: [
      `aws-auth mapAccounts lists ${match.account}`,
      `No mapRoles or mapUsers item for ${match.canonicalArn}`,
      `Username ${match.username}, groups: none`,
    ],
    fix:
      'Authentication works, so kubectl says Forbidden (403) rather than Unauthorized: mapAccounts gives no groups, and nothing binds your ARN. ' +
      `Request access, which adds a ${list} item with groups:`,
    fixCommand: awsAuthItemLines(match.canonicalArn, list, name?.name ?? match.canonicalArn),
    isGrantFix: true,
    symptom: 'forbidden',
  };
}
