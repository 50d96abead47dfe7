import { type AwsAuthOp, editAwsAuth, type Mapping, type OpResult } from './edit.ts';
import { yamlString } from './emit.ts';
import { SAFETY_CHECKS, type SafetyCheck } from './safety.ts';

/**
 * The change an approver sees on the request card, before anyone clicks Approve: a small diff per op, computed by
 * the same edit that will run (so "unchanged" and refusals show up front). Values are written the way the
 * document will hold them (quoted and escaped when hostile), so every line is one line of plain text; lines and
 * the whole preview are capped. Escaping for Slack mrkdwn is the message layer's job.
 */
export type AwsAuthPreview = {
  lines: string[];
  isTruncated: boolean;
  results: readonly OpResult[];
  /** The checks the safety verdict will report, for display next to the diff before the verdict exists. */
  checkLabels: readonly { id: string; label: string }[];
};

export const PREVIEW_MAX_LINES = 30;
export const PREVIEW_MAX_LINE_CHARS = 160;
/** Well under a Slack section's 3,000 characters, leaving room for the card's own text. */
export const PREVIEW_MAX_CHARS = 2_000;

export function previewAwsAuthChange(
  before: Readonly<Record<string, string>>,
  ops: readonly AwsAuthOp[],
): AwsAuthPreview {
  const { results } = editAwsAuth(before, ops);
  const all = results.flatMap(linesFor).map(capLine);
  const lines: string[] = [];
  let chars = 0;
  for (const line of all) {
    if (lines.length >= PREVIEW_MAX_LINES - 1 || chars + line.length + 1 > PREVIEW_MAX_CHARS) break;
    lines.push(line);
    chars += line.length + 1;
  }
  const isTruncated = lines.length < all.length;
  if (isTruncated) lines.push(`… ${all.length - lines.length} more lines`);
  return { lines, isTruncated, results, checkLabels: SAFETY_CHECKS.map(({ id, label }) => ({ id, label })) };
}

/** `✓ label` or `✗ label: detail`, one line per check. */
export function formatSafetyChecks(checks: readonly SafetyCheck[]): string[] {
  return checks.map((check) =>
    capLine(check.passed ? `✓ ${check.label}` : `✗ ${check.label}${check.detail ? `: ${check.detail}` : ''}`),
  );
}

function linesFor(result: OpResult): string[] {
  const arnKey = result.list === 'mapRoles' ? 'rolearn' : 'userarn';
  const head = `${arnKey}: ${yamlString(result.arn)}`;
  switch (result.status) {
    case 'refused':
      return [`! ${head}: refused (${result.code}): ${oneLine(result.reason)}`];
    case 'unchanged':
      return [`  ${head}: unchanged, already mapped so${shadowNote(result.shadowed.length)}`];
    case 'applied':
      if (result.change === 'added') return [`+ - ${head}`, ...fields('+', result.item)];
      if (result.change === 'removed') {
        const extra = result.removed.length - 1;
        const note = extra > 0 ? [`  (and ${extra} duplicate item${extra === 1 ? '' : 's'} it shadowed)`] : [];
        return [`- - ${arnKey}: ${yamlString(result.previous.arn)}`, ...fields('-', result.previous), ...note];
      }
      return [`  - ${head}${shadowNote(result.shadowed.length)}`, ...changedFields(result.previous, result.item)];
  }
}

function fields(sign: '+' | '-', mapping: Mapping): string[] {
  return [`${sign}   username: ${yamlString(mapping.username)}`, `${sign}   groups: ${groupsText(mapping.groups)}`];
}

function changedFields(previous: Mapping, next: Mapping): string[] {
  const lines: string[] = [];
  const [oldUser, newUser] = [yamlString(previous.username), yamlString(next.username)];
  if (oldUser === newUser) lines.push(`    username: ${newUser}`);
  else lines.push(`-   username: ${oldUser}`, `+   username: ${newUser}`);
  const [oldGroups, newGroups] = [groupsText(previous.groups), groupsText(next.groups)];
  if (oldGroups === newGroups) lines.push(`    groups: ${newGroups}`);
  else lines.push(`-   groups: ${oldGroups}`, `+   groups: ${newGroups}`);
  return lines;
}

function groupsText(groups: readonly string[]): string {
  return `[${groups.map(yamlString).join(', ')}]`;
}

function shadowNote(count: number): string {
  return count === 0 ? '' : ` (shadows ${count} earlier duplicate${count === 1 ? '' : 's'})`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

function capLine(line: string): string {
  const flat = oneLine(line);
  if (flat.length <= PREVIEW_MAX_LINE_CHARS) return flat;
  // By code points, so a cut never splits a surrogate pair.
  return `${Array.from(flat)
    .slice(0, PREVIEW_MAX_LINE_CHARS - 1)
    .join('')}…`;
}
