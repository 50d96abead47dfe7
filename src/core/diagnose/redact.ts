import { accessEntryArn } from '../identity/arn.ts';
import type { Audience } from './audience.ts';
import { CREATOR_CHECK_LABEL } from './checks.ts';
import type { Evidence } from './evidence.ts';
import type { Check, Diagnosis, Finding } from './finding.ts';
import { parsePrincipal } from './principal.ts';
import { type PublicFacts, publicFinding } from './public-text.ts';

/**
 * The diagnosis as an audience may see it. `full` and `own` get it unchanged. A stranger gets a new diagnosis
 * built only from the verdict, the rule ids and severities, and public wording (see `public-text.ts`): no
 * evidence lines, no check details, no creator check, no headline from a finding title, no "Request access"
 * button (it would file a request for the asker, not for the ARN's owner).
 */
export function diagnosisFor(audience: Audience, diagnosis: Diagnosis, evidence: Evidence): Diagnosis {
  if (audience !== 'stranger') return diagnosis;
  const facts = publicFactsOf(evidence);
  const findings = diagnosis.findings.map((finding) => publicFinding(finding, facts));
  return {
    verdict: diagnosis.verdict,
    headline: publicHeadline(diagnosis.verdict, findings),
    findings,
    checks: diagnosis.checks.filter((c) => c.label !== CREATOR_CHECK_LABEL).map(withoutDetail),
  };
}

export function publicFactsOf(evidence: Evidence): PublicFacts {
  const { given, iamArn, mapped } = evidence.identity;
  const parsed = parsePrincipal(given);
  return {
    cluster: evidence.cluster.name,
    region: evidence.cluster.region,
    given,
    entryArn: iamArn ?? (parsed ? accessEntryArn(parsed) : undefined) ?? given,
    ...(mapped ? { mapped } : {}),
  };
}

function withoutDetail(check: Check): Check {
  return { label: check.label, result: check.result };
}

// Mirrors diagnose()'s headline, without the access summary (it lists the principal's policies and groups).
function publicHeadline(verdict: Diagnosis['verdict'], findings: readonly Finding[]): string {
  const top = findings[0];
  if (top && top.severity !== 'info') return top.title;
  if (verdict === 'ok') return 'Access should work for this identity';
  return top?.title ?? 'Not enough facts to decide';
}
