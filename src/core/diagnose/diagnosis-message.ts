import { code, escapeUserText } from '../messages/escape.ts';
import { ACTIONS, type Message, type MessagePart } from '../messages/message.ts';
import type { Audience } from './audience.ts';
import type { Evidence } from './evidence.ts';
import type { Diagnosis, Finding } from './finding.ts';
import { checkMark } from './render-text.ts';

/** Findings shown in Slack; the rest are counted and left to `eks-access doctor`. */
export const MESSAGE_FINDINGS_MAX = 4;

const VERDICT_LINE: Record<Diagnosis['verdict'], string> = {
  ok: ':white_check_mark: *Access should work*',
  problem: ':x: *Problem found*',
  unknown: ':grey_question: *Could not decide*',
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
    { kind: 'text', text: `${VERDICT_LINE[diagnosis.verdict]}: ${mrkdwn(diagnosis.headline)}` },
    { kind: 'text', text: `*Checked*\n${diagnosis.checks.map(checkLine).join('\n')}` },
  ];
  const shown = diagnosis.findings.slice(0, MESSAGE_FINDINGS_MAX);
  for (const finding of shown) parts.push({ kind: 'text', text: findingText(finding) });
  const hidden = diagnosis.findings.length - shown.length;
  if (hidden > 0) {
    parts.push({
      kind: 'context',
      text: `${hidden} more finding(s): run ${code('eks-access doctor')} for all of them.`,
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
    text: `Identity checked: ${mrkdwn(evidence.identity.given)} · ${cluster} in ${evidence.cluster.region}`,
  });
  return { text: `Access diagnosis for ${cluster}: ${escapeUserText(diagnosis.headline, 200)}`, parts };
}

/** Why a stranger sees less, and the two ways to see everything. */
export function summaryOnlyNote(cluster: string, arn: string): string {
  return (
    `${mrkdwn(`Summary only: ${arn} is not the identity mapped for you in eks-access`)}, so other principals' ` +
    "aws-auth items, groups, access entries and policies and the cluster's creator are left out. For the full " +
    `diagnosis ask an approver of ${code(cluster)}, or run ` +
    `${code(escapeAngles(`eks-access doctor --cluster ${cluster} --arn ${arn}`))} with AWS credentials that can read the cluster.`
  );
}

function checkLine(check: Diagnosis['checks'][number]): string {
  return `${checkMark(check)} ${check.label}${check.detail ? `: ${mrkdwn(check.detail)}` : ''}`;
}

function findingText(finding: Finding): string {
  const lines = [`*${finding.severity}* · ${mrkdwn(finding.title)}`];
  if (finding.symptom) lines.push(`_${SYMPTOM_LINE[finding.symptom]}_`);
  for (const item of finding.evidence) lines.push(`• ${mrkdwn(item)}`);
  lines.push(`*Fix:* ${mrkdwn(finding.fix)}`);
  if (finding.fixCommand) lines.push(codeBlock(finding.fixCommand));
  return lines.join('\n');
}

// Copyable tokens: an ARN up to whitespace (trailing sentence punctuation stays outside), a {{template}},
// or an UPPER_SNAKE value such as API_AND_CONFIG_MAP.
const TOKEN = /(arn:[^\s]+?(?=[.,;:)]?(?:\s|$))|\{\{\w+\}\}|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b)/;

/**
 * Finding texts mix prose with ARNs from AWS and text people typed. ARNs and similar tokens go in code spans
 * (copyable, no formatting); everything else goes through `escapeUserText`, so nothing can mention or format.
 */
export function mrkdwn(text: string): string {
  return text
    .split(TOKEN)
    .map((segment, index) => (index % 2 === 1 ? code(escapeAngles(segment)) : prose(segment)))
    .join('');
}

function prose(segment: string): string {
  const lead = /^\s*/.exec(segment)?.[0] ?? '';
  const trail = segment.trim() === '' ? '' : (/\s*$/.exec(segment)?.[0] ?? '');
  const body = segment.trim();
  return body === '' ? segment.replace(/[\r\n\t]+/g, ' ') : `${lead}${escapeUserText(body, 1000)}${trail}`;
}

function escapeAngles(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A copyable command: fenced, with Slack's three control characters escaped and no fence inside. */
export function codeBlock(command: string): string {
  return `\`\`\`${escapeAngles(command).replace(/`/g, "'")}\`\`\``;
}
