/**
 * The severities, worst first. `urgent`: many people are locked out (e.g. aws-auth does not parse).
 * `blocker`: this principal cannot get in. `warning`: works, but not as expected (403s, shadowing).
 * `info`: context worth knowing (wait a minute, who created the cluster).
 */
export const SEVERITIES = ['urgent', 'blocker', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  /** Stable id of the rule that produced it (kebab-case), for tests, JSON output and metrics. */
  rule: string;
  severity: Severity;
  /** One line: the cause in plain words. */
  title: string;
  /** What was seen that shows it (ARNs, mode, entry, line numbers). */
  evidence: readonly string[];
  /** What to do, in plain words. */
  fix: string;
  /** The exact command or config line, when there is one. */
  fixCommand?: string;
  /** The fix is access: offer the prefilled "Request access" button. */
  isGrantFix?: boolean;
  /** What kubectl shows for this cause. */
  symptom?: 'unauthorized' | 'forbidden' | 'transient';
}

/** One line of "what was checked", rendered ✓ / ✗ / ? */
export interface Check {
  label: string;
  result: 'pass' | 'fail' | 'unknown';
  detail?: string;
}

export interface Diagnosis {
  /** `ok`: access should work; `problem`: at least one urgent or blocker finding; `unknown`: not enough facts. */
  verdict: 'ok' | 'problem' | 'unknown';
  headline: string;
  findings: readonly Finding[];
  checks: readonly Check[];
}

/** A rule inspects the evidence for one cause and returns its finding, or nothing. Pure. */
export type Rule<E> = (evidence: E) => Finding | undefined;
