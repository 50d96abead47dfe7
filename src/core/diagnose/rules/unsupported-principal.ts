import { isParsedArn, parseArn } from '../../identity/arn.ts';
import { updateKubeconfigCommand } from '../commands.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';

/**
 * Federated-user and root principals can be neither access-entry principals nor sensible aws-auth items
 * (cause 13); text that is no IAM or STS ARN at all cannot be diagnosed.
 */
export function unsupportedPrincipal(e: Evidence): Finding | undefined {
  const given = e.identity.given;
  const parsed = parseArn(given);
  if (!isParsedArn(parsed)) {
    return {
      rule: 'unsupported-principal',
      severity: 'warning',
      title: 'The identity given is not an IAM role, IAM user or role-session ARN',
      evidence: [`Identity: ${given}`, `Why: ${parsed.reason}`],
      fix: 'Run aws sts get-caller-identity with the same profile kubectl uses and paste the Arn it prints.',
      fixCommand: 'aws sts get-caller-identity',
    };
  }
  if (parsed.kind !== 'federated-user' && parsed.kind !== 'root') return undefined;
  const what = parsed.kind === 'root' ? 'the account root user' : 'a federated-user session (GetFederationToken)';
  return {
    rule: 'unsupported-principal',
    severity: 'blocker',
    title: `${given} is ${what}, which EKS access cannot be granted to`,
    evidence: [
      `Identity: ${given} (${parsed.kind})`,
      'Access entries accept only IAM users and roles; aws-auth items for these principals should not be written.',
    ],
    fix: 'Use an IAM role instead: assume a role that has (or can be granted) access and let kubectl use it.',
    fixCommand: updateKubeconfigCommand(
      e,
      `--role-arn arn:${parsed.partition}:iam::${parsed.account}:role/<role-name>`,
    ),
    symptom: 'unauthorized',
  };
}
