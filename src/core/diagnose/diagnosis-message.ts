import { ACTIONS, type Message, type MessagePart } from '../messages/message.ts';
import { code, em, foreignCode, icon, lines, type Rich, rich, said, strong } from '../messages/rich.ts';
import type { Audience } from './audience.ts';
import type { Evidence } from './evidence.ts';
import type { Diagnosis, Finding } from './finding.ts';
import { checkMark } from './render-text.ts';

/** Findings shown in chat; the rest are counted and left to `eks-access doctor`. */
export const MESSAGE_FINDINGS_MAX = 4;

const VERDICT_LINE: Record<Diagnosis['verdict'], Rich> = {
  ok: rich`${icon('ok')} ${strong('Access should work')}`,
  problem: rich`${icon('failed')} ${strong('Problem found')}`,
  unknown: rich`${icon('unknown')} ${strong('Could not decide')}`,
};

const SYMPTOM_LINE: Record<NonNullable<Finding['symptom']>, string> = {
  unauthorized: 'kubectl shows "Unauthorized" (401)',
  forbidden: 'kubectl shows "Forbidden" (403)',
  transient: 'temporary',
};

/**
 * The diagnosis as a neutral message: a one-line verdict, the checks (✓ ✗ ?), the top findings with their
 * fix and command, and a prefilled "Request access" button when the top fix is access. For a stranger the
 * diagnosis is already redacted (`diagnosisFor`); the message adds where the full one can be seen.
 */
export function diagnosisMessage(diagnosis: Diagnosis, evidence: Evidence, audience: Audience = 'full'): Message {
  const cluster = evidence.cluster.name;
  const parts: MessagePart[] = [
    { kind: 'header', text: `Access diagnosis: ${cluster}` },
    { kind: 'text', text: rich`${VERDICT_LINE[diagnosis.verdict]}: ${copyable(diagnosis.headline)}` },
    { kind: 'text', text: lines([strong('Checked'), ...diagnosis.checks.map(checkLine)]) },
  ];
  const shown = diagnosis.findings.slice(0, MESSAGE_FINDINGS_MAX);
  for (const finding of shown) parts.push(findingPart(finding));
  const hidden = diagnosis.findings.length - shown.length;
  if (hidden > 0) {
    parts.push({
      kind: 'context',
      text: rich`${hidden} more finding(s): run ${code('eks-access doctor')} for all of them.`,
    });
  }
  if (diagnosis.findings[0]?.isGrantFix === true) {
    parts.push({
      kind: 'buttons',
      buttons: [{ action: ACTIONS.requestAccess, label: 'Request access', value: cluster, style: 'primary' }],
    });
  }
  if (audience === 'stranger') parts.push({ kind: 'context', text: summaryOnlyNote(cluster, evidence.identity.given) });
  parts.push({
    kind: 'context',
    text: rich`Identity checked: ${copyable(evidence.identity.given)} · ${cluster} in ${evidence.cluster.region}`,
  });
  return { text: rich`Access diagnosis for ${cluster}: ${said(diagnosis.headline, 200)}`, parts };
}

/** Why a stranger sees less, and the two ways to see everything. */
export function summaryOnlyNote(cluster: string, arn: string): Rich {
  return rich`${copyable(`Summary only: ${arn} is not the identity mapped for you in eks-access`)}, so other principals' aws-auth items, groups, access entries and policies and the cluster's creator are left out. For the full diagnosis ask an approver of ${code(cluster)}, or run ${foreignCode(`eks-access doctor --cluster ${cluster} --arn ${arn}`)} with AWS credentials that can read the cluster.`;
}

function checkLine(check: Diagnosis['checks'][number]): Rich {
  return rich`${checkMark(check)} ${check.label}${check.detail ? rich`: ${copyable(check.detail)}` : ''}`;
}

/** A finding: severity and title, symptom, evidence, fix, and the fix command as a copyable block. */
function findingPart(finding: Finding): MessagePart {
  const text = lines([
    rich`${strong(finding.severity)} · ${copyable(finding.title)}`,
    ...(finding.symptom ? [em(SYMPTOM_LINE[finding.symptom])] : []),
    ...finding.evidence.map((item) => rich`• ${copyable(item)}`),
    rich`${strong('Fix:')} ${copyable(finding.fix)}`,
  ]);
  return finding.fixCommand
    ? { kind: 'code', title: text, lines: [finding.fixCommand], foreign: true }
    : { kind: 'text', text };
}

// Copyable tokens: an ARN up to whitespace (trailing sentence punctuation stays outside), a {{template}},
// or an UPPER_SNAKE value such as API_AND_CONFIG_MAP.
const TOKEN = /(arn:[^\s]+?(?=[.,;:)]?(?:\s|$))|\{\{\w+\}\}|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b)/;

/**
 * Finding texts mix prose with ARNs from AWS and text people typed. ARNs and similar tokens become code (copyable,
 * no formatting); the prose between them is quoted as typed text, so nothing in it can mention or format.
 */
export function copyable(text: string): Rich {
  return text.split(TOKEN).flatMap((segment, index) => (index % 2 === 1 ? [foreignCode(segment)] : prose(segment)));
}

function prose(segment: string): Rich {
  const lead = /^\s*/.exec(segment)?.[0] ?? '';
  const trail = segment.trim() === '' ? '' : (/\s*$/.exec(segment)?.[0] ?? '');
  const body = segment.trim();
  if (body === '') return segment ? [segment.replace(/[\r\n\t]+/g, ' ')] : [];
  return [lead, said(body, 1000), trail].filter((piece) => piece !== '');
}
