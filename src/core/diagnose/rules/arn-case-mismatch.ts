import { createAccessEntryCommand, deleteAccessEntryCommand } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';

/** EKS compares access-entry principal ARNs exactly, so an entry whose ARN differs only in case matches nobody. */
export function arnCaseMismatch(e: Evidence): Finding | undefined {
  if (!e.accessEntry.known || e.accessEntry.value.entry) return undefined;
  const { lookedUp, allPrincipalArns } = e.accessEntry.value;
  const wanted = lookedUp.toLowerCase();
  const other = allPrincipalArns.find((arn) => arn !== lookedUp && arn.toLowerCase() === wanted);
  if (other === undefined) return undefined;
  return {
    rule: 'arn-case-mismatch',
    severity: 'blocker',
    title: `The access entry is for ${other}, which differs from ${lookedUp} only in letter case`,
    evidence: [
      `IAM spells the principal ${lookedUp}`,
      `Access entry on ${e.cluster.name}: ${other}`,
      'EKS compares access-entry principal ARNs exactly, so this entry never matches',
    ],
    fix: `Create the entry with the ARN exactly as IAM spells it (request access again), then delete the entry for ${other}.`,
    fixCommand: `${createAccessEntryCommand(e, lookedUp)} && ${deleteAccessEntryCommand(e, other)}`,
    isGrantFix: true,
    symptom: 'unauthorized',
  };
}
