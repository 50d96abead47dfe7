import { isNodeEntry } from '../../aws-auth/nodes.ts';
import { checkEntryTemplates, type TemplateCheck, type TemplateProblem } from '../../aws-auth/templates.ts';
import { effectiveAccess } from '../access-state.ts';
import { where } from '../aws-auth-text.ts';
import type { Evidence } from '../evidence.ts';
import type { Finding } from '../finding.ts';
import { parsePrincipal, principalName } from '../principal.ts';

/**
 * The matched aws-auth item's username or group templates cannot render for this caller: `{{EC2PrivateDNSName}}`
 * for a session not named after an instance is refused (401); an unknown placeholder stays literal (cause 14).
 */
export function usernameTemplate(e: Evidence): Finding | undefined {
  const access = effectiveAccess(e);
  if (access.kind !== 'aws-auth' || access.match.via === 'mapAccounts') return undefined;
  const { entry } = access.match;
  const isSession = parsePrincipal(e.identity.given)?.kind === 'assumed-role';
  const checks = checkEntryTemplates(entry, { arn: e.identity.given });
  const labelled: [string, TemplateCheck][] = [
    [`username "${entry.username}"`, checks.username],
    ...checks.groups.map((check, i): [string, TemplateCheck] => [`group "${entry.groups[i] ?? ''}"`, check]),
  ];
  // Without a session ARN the session name is unknown, so problems that depend on its value do not count; but a
  // caller that never has a session (an IAM user of a mapUsers item) cannot render {{SessionName}} at all.
  const problems = labelled.flatMap(([label, check]) =>
    check.problems
      .filter(
        (p) =>
          isSession ||
          p.code === 'unknown_placeholder' ||
          (p.code === 'session_name_needs_assumed_role' && p.principalType !== 'role'),
      )
      .map((p) => ({ label, problem: p })),
  );
  const ec2WithoutSession =
    !isSession && labelled.some(([, check]) => check.placeholders.includes('EC2PrivateDNSName'));
  const first = problems[0];
  if (first === undefined && !ec2WithoutSession) return undefined;
  const isRefused = ec2WithoutSession || problems.some((p) => p.problem.code === 'ec2_dns_needs_instance_session');
  const sessionless = problems.find((p) => p.problem.code === 'session_name_needs_assumed_role');
  const evidence = [
    `aws-auth ${where(entry.list, entry.line)} matches ${access.match.canonicalArn}`,
    ...problems.map(({ label, problem }) => `${label}: ${problemText(problem)}`),
  ];
  if (ec2WithoutSession) {
    evidence.push('{{EC2PrivateDNSName}} renders only for sessions named after an EC2 instance id (i-…)');
  }
  const isNode = isNodeEntry(entry);
  const roleName = principalName(access.match.canonicalArn)?.name ?? 'user';
  // An IAM user signs in without a session: its username must be fixed, not a session template.
  const suggested = entry.list === 'mapUsers' ? roleName : `${roleName}:{{SessionName}}`;
  return {
    rule: 'username-template',
    severity: isRefused ? 'blocker' : 'warning',
    title: isRefused
      ? `The aws-auth item that matches you uses {{EC2PrivateDNSName}}, which cannot render for your session`
      : sessionless !== undefined && sessionless.problem.code === 'session_name_needs_assumed_role'
        ? `The aws-auth item that matches you uses a session name, which an IAM ${sessionless.problem.principalType} caller never has (${sessionless.label} renders empty)`
        : `The aws-auth item that matches you has a template that cannot render (${first?.label ?? 'username'})`,
    evidence,
    fix: isNode
      ? 'That item maps a node role: leave it alone, and use a role of your own for kubectl (request access for it).'
      : `Use a username that renders for ${entry.list === 'mapUsers' ? 'this user' : 'people'}, for example ${suggested}, in ${where(entry.list, entry.line)}:`,
    ...(isNode ? { isGrantFix: true } : { fixCommand: `username: ${suggested}` }),
    symptom: isRefused ? 'unauthorized' : 'forbidden',
  };
}

function problemText(problem: TemplateProblem): string {
  switch (problem.code) {
    case 'unknown_placeholder':
      return `unknown placeholder ${problem.placeholder} (kept literally)`;
    case 'ec2_dns_needs_instance_session':
      return `{{EC2PrivateDNSName}} needs a session named after an EC2 instance id, not "${problem.sessionName}" (refused: 401)`;
    case 'session_name_needs_assumed_role':
      return `{{SessionName}} is empty for a ${problem.principalType} caller`;
    case 'caller_not_recognized':
      return `the caller ARN is not recognized: ${problem.reason}`;
  }
}
