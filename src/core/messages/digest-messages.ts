import { formatDuration } from '../intent/duration.ts';
import type { Message } from './message.ts';
import { cluster, code, icon, lines as joinLines, person, rich, strong } from './rich.ts';

/** What a digest line needs of a request approved by policy. */
export interface DigestLine {
  requestId: string;
  requester: string;
  subject: string;
  cluster: string;
  level: string;
  durationMs: number;
}

/** Lines shown in one digest; the rest are counted (the audit trail has every one). */
export const DIGEST_LINES_MAX = 15;

/**
 * The approvers' digest of automatic approvals in one window: one message instead of one card per request, so a
 * burst does not flood the approval channel (Slack allows about one post per second per channel).
 */
export function policyApprovalDigest(lines: readonly DigestLine[], windowMs: number): Message {
  const count = lines.length;
  const head = rich`${icon('automatic')} ${count} ${count === 1 ? 'request' : 'requests'} approved by policy in the last ${formatDuration(windowMs)}`;
  const shown = lines.slice(0, DIGEST_LINES_MAX).map((line) => {
    const forWhom =
      line.subject === line.requester
        ? [person(line.requester)]
        : rich`${person(line.subject)} (asked by ${person(line.requester)})`;
    return rich`• ${strong(line.level)} on ${cluster(line.cluster)} for ${forWhom}, ${formatDuration(line.durationMs)} · ${code(line.requestId)}`;
  });
  const more = count > DIGEST_LINES_MAX ? [`…and ${count - DIGEST_LINES_MAX} more.`] : [];
  const footer = rich`Every one is in the audit trail (${code('/eks audit <cluster>')}, ${code('eks-access audit --since 1h')}); an approver can end any of them early: ${code('revoke @person on <cluster>')}.`;
  const body = joinLines([head, ...shown, ...more]);
  return {
    text: head,
    parts: [
      { kind: 'text', text: body },
      { kind: 'context', text: footer },
    ],
  };
}
