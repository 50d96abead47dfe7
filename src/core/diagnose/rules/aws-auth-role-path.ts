import { hasSsoPath, nearMissEvidence, principalNearMisses } from '../aws-auth-text.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';

/** A `rolearn` with a path never matches: callers are canonicalized without one (cause 3). SSO paths: own rule. */
export function awsAuthRolePath(e: Evidence): Finding | undefined {
  const miss = principalNearMisses(e).find((m) => m.kind === 'role_arn_has_path' && !hasSsoPath(m.written));
  if (miss === undefined) return undefined;
  return {
    rule: 'aws-auth-role-path',
    severity: 'blocker',
    title: `aws-auth maps your role with its IAM path (${miss.list} line ${miss.line}), which never matches`,
    evidence: [
      nearMissEvidence(miss),
      'aws-auth wants role ARNs without the path: the caller ARN the authenticator compares has none',
    ],
    fix: `Replace that line in ${miss.fix.list} with the path-less role ARN (access entries are the opposite: they need the path):`,
    fixCommand: miss.fix.line,
    symptom: 'unauthorized',
  };
}
