import { CALLER_IDENTITY_COMMAND } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { entryPrincipal, principalName, ssoPermissionSet } from '../principal.ts';

/** IAM has no such role or user: a typo, a deleted principal, or an Identity Center role not provisioned yet. */
export function principalMissing(e: Evidence): Finding | undefined {
  if (!e.iam.known || e.iam.value.exists) return undefined;
  const arn = entryPrincipal(e) ?? e.identity.given;
  const name = principalName(arn);
  const lookup = name
    ? `aws iam ${name.kind === 'role' ? 'get-role --role-name' : 'get-user --user-name'} ${name.name}`
    : '';
  const evidence = [`IAM ${name?.kind === 'user' ? 'GetUser' : 'GetRole'} ${name?.name ?? arn}: NoSuchEntity`];
  if (e.accessEntry.known && e.accessEntry.value.entry) {
    evidence.push(`An access entry for ${e.accessEntry.value.entry.principalArn} still exists but matches nobody now`);
  }
  const sso = ssoPermissionSet(arn);
  return {
    rule: 'principal-missing',
    severity: 'blocker',
    title: `The IAM ${name?.kind ?? 'principal'} ${name?.name ?? arn} does not exist`,
    evidence,
    fix:
      sso !== undefined
        ? `IAM Identity Center creates the role for permission set ${sso} only after the assignment to this account; wait a minute and retry, or check the assignment. Confirm the identity you use with aws sts get-caller-identity.`
        : 'Check the name for a typo and confirm which identity you use. If the principal was deleted, access has to be granted to the one you use now.',
    fixCommand: lookup || CALLER_IDENTITY_COMMAND,
    symptom: 'unauthorized',
  };
}
