import type { Evidence, FactFailure, Known } from './evidence.ts';
import type { Check, Diagnosis, Finding } from './finding.ts';
import { notChecked } from './not-checked.ts';
import {
  type CredentialAdvice,
  credentialAdvice,
  credentialSourceText,
  credentialsLine,
  readsAsLine,
} from './reader.ts';
import { type DiagnosisJson, diagnosisToJson, renderDiagnosisText } from './render-text.ts';

/** The finding `doctor` reports when AWS refused the shell's credentials (no rule: nothing else could run). */
const CREDENTIALS_REJECTED_RULE = 'credentials-rejected';

/** What `doctor` would have checked; each is listed as not checked when the credentials are refused. */
const CHECK_LABELS = [
  'Cluster found and ACTIVE',
  'Authentication mode',
  'IAM principal exists',
  'Access entry exists',
  'aws-auth maps the principal',
  'Cluster creator',
] as const;

/**
 * Evidence in which nothing could be read because AWS refused the credentials every look-up signs with. Built
 * instead of making a dozen calls that would each be refused the same way.
 */
export function unreadEvidence(base: Pick<Evidence, 'cluster' | 'identity' | 'now' | 'ask' | 'reader'>): Evidence {
  const caller = base.reader?.caller;
  const upstream = caller && !caller.ok ? caller.upstream : undefined;
  const failure: FactFailure = {
    kind: 'credentials_rejected',
    operation: 'sts:GetCallerIdentity',
    ...(upstream !== undefined ? { upstream } : {}),
  };
  const unread: Known<never> = {
    known: false,
    reason: `not read: AWS rejected the credentials (${upstream ?? 'none found'})`,
    failure,
  };
  return { ...base, clusterInfo: unread, accessEntry: unread, awsAuth: unread, iam: unread, creator: unread };
}

/** The diagnosis when AWS refused the credentials: one finding with the fix, every check listed as not run. */
export function credentialsRejectedDiagnosis(e: Evidence): Diagnosis {
  const advice = e.reader ? credentialAdvice(e.reader) : undefined;
  const upstream = e.reader && !e.reader.caller.ok ? e.reader.caller.upstream : undefined;
  const why = `not checked: AWS rejected the credentials (${upstream ?? 'none found'})`;
  const checks: Check[] = CHECK_LABELS.map((label) => ({ label, result: 'unknown', detail: why }));
  const finding: Finding = {
    rule: CREDENTIALS_REJECTED_RULE,
    severity: 'blocker',
    title: advice?.problem ?? 'AWS rejected the credentials this shell uses.',
    evidence: [
      ...(e.reader ? [credentialsLine(e.reader)] : []),
      'Every look-up (EKS, IAM, CloudTrail, the cluster) signs with these credentials, so none was made.',
      ...(advice?.note ? [advice.note] : []),
    ],
    fix: 'Refresh or fix the credentials, then run eks-access doctor again.',
    ...(advice ? { fixCommand: advice.command } : {}),
  };
  return {
    verdict: 'unknown',
    headline: `Nothing was checked: AWS rejected your credentials (${upstream ?? 'none found'})`,
    findings: [finding],
    checks,
  };
}

/** The lines `doctor` prints before the diagnosis: whose credentials, and (when refused) why and the fix, first. */
export function doctorPreface(e: Pick<Evidence, 'reader'>): string[] {
  if (!e.reader) return [];
  const lines = [credentialsLine(e.reader)];
  const readsAs = readsAsLine(e.reader);
  if (readsAs) lines.push(readsAs);
  const advice = credentialAdvice(e.reader);
  if (advice) lines.push(...adviceLines(advice));
  return lines;
}

function adviceLines(advice: CredentialAdvice): string[] {
  return [advice.problem, `Fix: ${advice.command}`, ...(advice.note ? [advice.note] : [])];
}

/** `doctor`'s terminal output: the preface, the diagnosis, and every look-up that could not run with its reason. */
export function doctorText(diagnosis: Diagnosis, e: Evidence): string {
  // When the credentials were refused, every check above already says so: the list would only repeat it.
  const isRefused = e.reader !== undefined && !e.reader.caller.ok && e.reader.caller.problem !== undefined;
  const skipped = isRefused ? [] : notChecked(e);
  const afterChecks = skipped.length > 0 ? ['', 'Not checked:', ...skipped.map((s) => `  - ${s.what}: ${s.why}`)] : [];
  const preface = doctorPreface(e);
  const body = renderDiagnosisText(diagnosis, e, { afterChecks });
  return preface.length > 0 ? `${preface.join('\n')}\n\n${body}` : body;
}

export interface DoctorJson extends DiagnosisJson {
  credentials: {
    source: string;
    profile: string | null;
    callerArn: string | null;
    account: string | null;
    /** The upstream error name when AWS refused the credentials (ExpiredToken, CredentialsProviderError…). */
    rejected: string | null;
    problem: string | null;
    fixCommand: string | null;
    /** The role assumed for the cluster reads, when one was. */
    readsAs: string | null;
  } | null;
  notChecked: { what: string; why: string }[];
}

/** `doctor --json`: the diagnosis' stable shape plus the credentials used and what could not be checked. */
export function doctorJson(diagnosis: Diagnosis, e: Evidence): DoctorJson {
  const r = e.reader;
  const advice = r ? credentialAdvice(r) : undefined;
  return {
    ...diagnosisToJson(diagnosis, e),
    credentials: r
      ? {
          source: credentialSourceText(r),
          profile: r.profile ?? null,
          callerArn: r.caller.ok ? r.caller.arn : null,
          account: r.caller.ok ? r.caller.account : null,
          rejected: !r.caller.ok && r.caller.problem !== undefined ? (r.caller.upstream ?? 'no credentials') : null,
          problem: advice?.problem ?? null,
          fixCommand: advice?.command ?? null,
          readsAs: r.role?.arn ?? null,
        }
      : null,
    notChecked: notChecked(e),
  };
}
