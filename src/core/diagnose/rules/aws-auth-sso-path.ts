import { hasSsoPath, nearMissEvidence, principalNearMisses } from '../aws-auth-text.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';

/** The IAM Identity Center role written with its reserved `aws-reserved/sso.amazonaws.com/` path (cause 3). */
export function awsAuthSsoPath(e: Evidence): Finding | undefined {
  const miss = principalNearMisses(e).find((m) => m.kind === 'role_arn_has_path' && hasSsoPath(m.written));
  if (miss === undefined) return undefined;
  return {
    rule: 'aws-auth-sso-path',
    severity: 'blocker',
    title: `aws-auth maps your SSO role with its aws-reserved/sso.amazonaws.com path (${miss.list} line ${miss.line}), which never matches`,
    evidence: [
      nearMissEvidence(miss),
      'IAM Identity Center roles live under aws-reserved/sso.amazonaws.com/[REGION/], but aws-auth must name them without that path',
    ],
    fix: `Replace that line in ${miss.fix.list} with the role ARN without the reserved path:`,
    fixCommand: miss.fix.line,
    symptom: 'unauthorized',
  };
}
