import { createAccessEntryCommand } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { parsePrincipal, principalName } from '../principal.ts';

/**
 * Cause 5: an entry exists for another spelling of the same principal (the role without its path, or
 * with another path), so the principal's own ARN has none.
 */
export function entryForOtherSpelling(e: Evidence): Finding | undefined {
  if (!e.accessEntry.known || e.accessEntry.value.entry) return undefined;
  const { lookedUp, allPrincipalArns } = e.accessEntry.value;
  const other = allPrincipalArns.find((arn) => isOtherSpelling(lookedUp, arn));
  if (other === undefined) return undefined;
  const evidence = [`The principal's IAM ARN: ${lookedUp}`, `Access entry on ${e.cluster.name}: ${other}`];
  const isConfirmedByIam = e.iam.known && e.iam.value.exists && e.iam.value.arn === lookedUp;
  if (!isConfirmedByIam) {
    // IAM did not confirm the looked-up spelling (path), so the entry may be the right one and the lookup wrong.
    evidence.push('IAM did not confirm this spelling (role path), so the entry may well be right and the lookup wrong');
    return {
      rule: 'entry-for-other-spelling',
      severity: 'warning',
      title: `An access entry exists for ${other}; the bot could not confirm it is this principal's real ARN`,
      evidence,
      fix: 'Compare the entry with the role ARN IAM reports; if they are the same, the entry is right.',
      fixCommand: iamLookupCommand(other),
    };
  }
  return {
    rule: 'entry-for-other-spelling',
    severity: 'blocker',
    title: `The access entry is for ${other}, not for ${lookedUp}`,
    evidence: [...evidence, 'EKS matches an entry only by the exact IAM ARN, role path included'],
    fix: `Create an entry for ${lookedUp}, the ARN IAM reports (request access again); the entry for ${other} does not match this principal.`,
    fixCommand: createAccessEntryCommand(e, lookedUp),
    isGrantFix: true,
    symptom: 'unauthorized',
  };
}

function iamLookupCommand(arn: string): string {
  const name = principalName(arn);
  if (name?.kind === 'user') return `aws iam get-user --user-name ${name.name} --query User.Arn`;
  return `aws iam get-role --role-name ${name?.name ?? '<role-name>'} --query Role.Arn`;
}

/** Same account, same kind and name (ignoring case), but another path. Case-only differences are another rule. */
function isOtherSpelling(wanted: string, candidate: string): boolean {
  if (wanted.toLowerCase() === candidate.toLowerCase()) return false;
  const a = parsePrincipal(wanted);
  const b = parsePrincipal(candidate);
  if (!a || !b || a.account !== b.account || a.partition !== b.partition) return false;
  if ((a.kind !== 'role' && a.kind !== 'user') || a.kind !== b.kind) return false;
  return a.name.toLowerCase() === b.name.toLowerCase();
}
