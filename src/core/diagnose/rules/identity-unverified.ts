import { CALLER_IDENTITY_COMMAND } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';

/**
 * When the bot diagnosed the principal mapped for the person, it cannot see which identity kubectl really
 * signs with, the most common cause of 401 (cause 1). Ask for `aws sts get-caller-identity`.
 */
export function identityUnverified(e: Evidence): Finding | undefined {
  if (e.identity.source !== 'mapped') return undefined;
  return {
    rule: 'identity-unverified',
    severity: 'info',
    title: 'The bot checked the identity mapped for you; it cannot see which one your kubectl uses',
    evidence: [`Checked: ${e.identity.given} (the principal mapped for you)`],
    fix:
      'Run aws sts get-caller-identity with the profile your kubeconfig uses and paste the Arn here: ' +
      'another profile, SSO permission set or --role-arn is the most common reason for Unauthorized.',
    fixCommand: CALLER_IDENTITY_COMMAND,
  };
}
