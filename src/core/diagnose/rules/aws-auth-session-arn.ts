import { nearMissEvidence, principalNearMisses } from '../aws-auth-text.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';

/** A `rolearn` written as the STS session ARN never matches: callers are canonicalized to the role ARN (cause 4). */
export function awsAuthSessionArn(e: Evidence): Finding | undefined {
  const miss = principalNearMisses(e).find((m) => m.kind === 'session_arn_in_rolearn');
  if (miss === undefined) return undefined;
  return {
    rule: 'aws-auth-session-arn',
    severity: 'blocker',
    title: `aws-auth maps your role by its session ARN (${miss.list} line ${miss.line}), which never matches`,
    evidence: [
      nearMissEvidence(miss),
      'The authenticator turns arn:aws:sts::…:assumed-role/ROLE/SESSION into the role ARN before matching, so an sts ARN in rolearn matches nobody',
    ],
    fix: `Replace that line in ${miss.fix.list} with the IAM role ARN (no session, no path):`,
    fixCommand: miss.fix.line,
    symptom: 'unauthorized',
  };
}
