import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { samePrincipalIgnoringRolePath } from '../principal.ts';

/**
 * `doctor` reads aws-auth with the person's own credentials. When the cluster answers 401 to that token, the
 * refusal is the symptom itself: this identity is not mapped (no access entry, no aws-auth item). Reported first,
 * with the two ways to see what the Kubernetes API would have shown. Only for `doctor` (the evidence has a reader):
 * in Slack a 401 is the bot's own role, which is a different problem.
 */
export function clusterRefusedReader(e: Evidence): Finding | undefined {
  const reader = e.reader;
  if (!reader || e.awsAuth.known || e.awsAuth.failure?.kind !== 'cluster_unauthorized') return undefined;
  const { name, accountId } = e.cluster;
  const rerun = `eks-access doctor --cluster ${name} --role-arn arn:aws:iam::${accountId}:role/<admin-role>`;
  const seeRest =
    `Ask eks-access in Slack ("why can't I access ${name}"): it reads aws-auth with its own role. ` +
    'Or rerun with --role-arn and a role that is mapped on the cluster, to read aws-auth here.';
  if (reader.role) {
    return {
      rule: 'cluster-refused-reader',
      severity: 'warning',
      title: `The cluster answered 401 to ${reader.role.arn}, so aws-auth could not be read`,
      evidence: [`The look-ups of aws-auth were signed as ${reader.role.arn} (assumed); the cluster does not map it.`],
      fix: `Use a role the cluster maps (an access entry or an aws-auth item). ${seeRest}`,
      fixCommand: rerun,
    };
  }
  const you = reader.caller.ok ? reader.caller.arn : 'the identity of these credentials';
  const isDiagnosed = samePrincipalIgnoringRolePath(you, e.identity.iamArn ?? e.identity.given);
  return {
    rule: 'cluster-refused-reader',
    severity: isDiagnosed ? 'blocker' : 'warning',
    title: `Your identity ${you} is not authorized on ${name}: the cluster answered 401 to its token. This is the lock-out`,
    evidence: [
      `The Kubernetes API of ${name} refused a token signed with your credentials (401 Unauthorized): neither an access entry nor aws-auth maps ${you}.`,
      'The checks that need no Kubernetes API (mode, access entries, IAM principal, creator) still ran; aws-auth could not be read.',
    ],
    fix: seeRest,
    fixCommand: rerun,
    symptom: 'unauthorized',
    isGrantFix: isDiagnosed,
  };
}
