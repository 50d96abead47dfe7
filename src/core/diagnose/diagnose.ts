import { accessSummary, effectiveAccess, hasPermissions } from './access-state.ts';
import { computeChecks } from './checks.ts';
import type { Evidence } from './evidence.ts';
import { type Diagnosis, type Finding, SEVERITIES } from './finding.ts';
import { isBoundByRbac } from './kubernetes-user.ts';
import { RULE_IDS, RULES } from './rules/index.ts';

/**
 * Runs every rule over the evidence and orders the findings worst first (ties: the fixed rule order). The verdict
 * is `problem` on any urgent or blocker finding, `ok` when the principal is positively mapped with permissions,
 * and `unknown` otherwise (facts missing and nothing definite found).
 */
export function diagnose(evidence: Evidence): Diagnosis {
  const findings = sortFindings(RULES.flatMap(({ id, rule }) => runRule(id, rule, evidence)));
  const checks = computeChecks(evidence, findings);
  const verdict = verdictOf(evidence, findings);
  return { verdict, headline: headlineOf(evidence, verdict, findings), findings, checks };
}

/**
 * Findings that lead whatever their severity: when the person states the identity they sign in with and it is not
 * the one mapped for them, that is the verdict, before anything about the stated principal's own mappings.
 */
const LEADS: readonly string[] = ['identity-mismatch'];

export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding) =>
    LEADS.includes(f.rule) && f.severity !== 'info' ? -1 : SEVERITIES.indexOf(f.severity) * 1000 + ruleIndex(f.rule);
  return [...findings].sort((a, b) => rank(a) - rank(b));
}

function ruleIndex(rule: string): number {
  const index = (RULE_IDS as readonly string[]).indexOf(rule);
  return index < 0 ? RULE_IDS.length : index;
}

// A rule is pure, but a bug in one must not cost the whole answer: it becomes an info finding.
function runRule(id: string, rule: (e: Evidence) => Finding | undefined, evidence: Evidence): Finding[] {
  try {
    const finding = rule(evidence);
    return finding ? [finding] : [];
  } catch (error) {
    return [
      {
        rule: id,
        severity: 'info',
        title: `The ${id} check failed, so it was skipped`,
        evidence: [error instanceof Error ? error.message : String(error)],
        fix: 'This is a bug in eks-access; please report it with the output of eks-access doctor --json.',
      },
    ];
  }
}

function isBlocking(finding: Finding): boolean {
  return finding.severity === 'urgent' || finding.severity === 'blocker';
}

function verdictOf(evidence: Evidence, findings: readonly Finding[]): Diagnosis['verdict'] {
  if (findings.some(isBlocking)) return 'problem';
  // An entry without policy or groups is authorized through RBAC when a binding names its (session) username.
  return hasPermissions(effectiveAccess(evidence)) || isBoundByRbac(evidence) ? 'ok' : 'unknown';
}

function headlineOf(evidence: Evidence, verdict: Diagnosis['verdict'], findings: readonly Finding[]): string {
  const top = findings[0];
  if (top && top.severity !== 'info') return top.title;
  if (verdict === 'ok') {
    const recent = findings.find((f) => f.rule === 'recent-grant');
    const summary = `Access should work: ${accessSummary(effectiveAccess(evidence))}`;
    return recent ? `${summary}. ${recent.title}` : summary;
  }
  return top?.title ?? 'Not enough facts to decide';
}
