import type { Evidence } from './evidence.ts';
import type { Check, Diagnosis, Finding } from './finding.ts';

/**
 * Plain text for `eks-access doctor` in a terminal (no trailing newline). `afterChecks` are lines `doctor` adds
 * below the checks (what could not be checked, and why).
 */
export function renderDiagnosisText(
  diagnosis: Diagnosis,
  evidence: Evidence,
  options: { afterChecks?: readonly string[] } = {},
): string {
  const { name, region, accountId } = evidence.cluster;
  const lines = [
    `eks-access doctor: ${name} (${region}, account ${accountId})`,
    `Identity: ${clean(evidence.identity.given)} (${SOURCE_TEXT[evidence.identity.source]})`,
    '',
    `${VERDICT_TEXT[diagnosis.verdict]}: ${clean(diagnosis.headline)}`,
    '',
    'Checks:',
    ...diagnosis.checks.map(
      (check) => `  ${checkMark(check)} ${check.label}${check.detail ? `: ${clean(check.detail)}` : ''}`,
    ),
    ...(options.afterChecks ?? []).map(clean),
  ];
  if (diagnosis.findings.length > 0) {
    lines.push('', 'Findings:');
    diagnosis.findings.forEach((finding, index) => {
      lines.push(...findingLines(finding, index + 1));
    });
  }
  return lines.join('\n');
}

export const VERDICT_TEXT: Record<Diagnosis['verdict'], string> = {
  ok: 'OK',
  problem: 'PROBLEM',
  unknown: 'UNKNOWN',
};

export const SYMPTOM_TEXT: Record<NonNullable<Finding['symptom']>, string> = {
  unauthorized: 'kubectl: "You must be logged in to the server (Unauthorized)" (401)',
  forbidden: 'kubectl: "Error from server (Forbidden)" (403)',
  transient: 'temporary: retrying later should work',
};

const SOURCE_TEXT: Record<Evidence['identity']['source'], string> = {
  caller_identity: 'from aws sts get-caller-identity',
  pasted_arn: 'as given',
  mapped: 'mapped for you',
};

export function checkMark(check: Check): string {
  return check.result === 'pass' ? '✓' : check.result === 'fail' ? '✗' : '?';
}

function findingLines(finding: Finding, n: number): string[] {
  const lines = [`${n}. [${finding.severity.toUpperCase()}] ${clean(finding.title)}  (${finding.rule})`];
  if (finding.symptom) lines.push(`   Symptom: ${SYMPTOM_TEXT[finding.symptom]}`);
  for (const item of finding.evidence) lines.push(`   - ${clean(item)}`);
  lines.push(`   Fix: ${clean(finding.fix)}`);
  if (finding.fixCommand) lines.push(...finding.fixCommand.split('\n').map((line) => `     ${clean(line)}`));
  if (finding.isGrantFix) lines.push('   (Ask eks-access in Slack to request access.)');
  return lines;
}

/** Terminal output never carries control characters from ARNs or aws-auth text (no escape-sequence tricks). */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '�');
}

export interface DiagnosisJson {
  schemaVersion: 1;
  verdict: Diagnosis['verdict'];
  headline: string;
  cluster: {
    name: string;
    region: string;
    accountId: string;
    status: string | null;
    authenticationMode: string | null;
  };
  identity: { given: string; source: string; mapped: string | null; iamArn: string | null };
  checks: { label: string; result: Check['result']; detail: string | null }[];
  findings: {
    rule: string;
    severity: Finding['severity'];
    title: string;
    evidence: string[];
    fix: string;
    fixCommand: string | null;
    isGrantFix: boolean;
    symptom: Finding['symptom'] | null;
  }[];
}

/** A stable JSON shape for `doctor --json`: every key always present, `null` for what is absent. */
export function diagnosisToJson(diagnosis: Diagnosis, evidence: Evidence): DiagnosisJson {
  const info = evidence.clusterInfo.known ? evidence.clusterInfo.value : undefined;
  return {
    schemaVersion: 1,
    verdict: diagnosis.verdict,
    headline: diagnosis.headline,
    cluster: {
      name: evidence.cluster.name,
      region: evidence.cluster.region,
      accountId: evidence.cluster.accountId,
      status: info?.found ? (info.status ?? null) : null,
      authenticationMode: info?.found ? (info.authenticationMode ?? 'CONFIG_MAP') : null,
    },
    identity: {
      given: evidence.identity.given,
      source: evidence.identity.source,
      mapped: evidence.identity.mapped ?? null,
      iamArn: evidence.identity.iamArn ?? null,
    },
    checks: diagnosis.checks.map((c) => ({ label: c.label, result: c.result, detail: c.detail ?? null })),
    findings: diagnosis.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      title: f.title,
      evidence: [...f.evidence],
      fix: f.fix,
      fixCommand: f.fixCommand ?? null,
      isGrantFix: f.isGrantFix === true,
      symptom: f.symptom ?? null,
    })),
  };
}
