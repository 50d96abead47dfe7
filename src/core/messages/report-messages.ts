import { timeLeft, utcMinute } from '../access/time-left.ts';
import type { WhoHasAccess } from '../access/who-has-access.ts';
import type { AccessRequest } from '../request/request.ts';
import { code, escapeUserText, mention } from './escape.ts';
import { linesWithin } from './home-view.ts';
import type { Message, MessagePart } from './message.ts';

/** Slack's section text limit (https://docs.slack.dev/reference/block-kit/blocks/section-block). */
const SECTION_MAX = 3000;

/** "who has access to X": standing access first (it never ends by itself), then time-bound access with time left. */
export function whoHasAccessReply(cluster: string, found: WhoHasAccess, now: number): Message {
  const standing = found.rows.filter((r) => r.kind === 'standing');
  const timeBound = found.rows.filter((r) => r.kind === 'time-bound');
  const head = `Who has access to ${code(cluster)}: ${standing.length} standing, ${timeBound.length} time-bound`;
  const parts: MessagePart[] = [{ kind: 'text', text: `*${head}*` }];
  parts.push({
    kind: 'text',
    text: `*Standing* (stays until someone removes it):\n${
      standing.length === 0
        ? '—'
        : linesWithin(
            standing.map((r) => `• ${code(r.principalArn)} via ${r.via}: ${escapeUserText(r.what, 200)}`),
            SECTION_MAX - 60,
          )
    }`,
  });
  parts.push({
    kind: 'text',
    text: `*Time-bound* (granted by eks-access, removed when it ends):\n${
      timeBound.length === 0
        ? '—'
        : linesWithin(
            timeBound.map(
              (r) =>
                `• ${code(r.principalArn)} via ${r.via}: ${escapeUserText(r.what, 200)}, ${timeLeft(r.expiresAt, now)} (${(r.grants ?? []).map((g) => `${code(g.id)} for ${mention(g.subject)}`).join(', ')})`,
            ),
            SECTION_MAX - 80,
          )
    }`,
  });
  if (found.missing.length > 0) {
    parts.push({
      kind: 'text',
      text: `:warning: Active eks-access grants with nothing on the cluster (removed by hand?): ${found.missing.map((g) => code(g.id)).join(', ')}. The reconciler reports and ends them.`,
    });
  }
  if (found.awsAuthUnavailable !== undefined) {
    parts.push({ kind: 'context', text: `aws-auth could not be read: ${escapeUserText(found.awsAuthUnavailable)}` });
  }
  return { text: head.replace(/`/g, ''), parts };
}

export interface AuditLine {
  type: string;
  at: number;
  actor: string;
  requestId?: string | undefined;
  detail?: Readonly<Record<string, string>> | undefined;
}

/** `/eks audit X`: the newest events about the cluster, one line each. */
export function auditReply(cluster: string, events: readonly AuditLine[]): Message {
  const head = `Last ${events.length} audit event(s) for ${code(cluster)}, newest first`;
  if (events.length === 0) {
    const text = `No audit events recorded for ${code(cluster)}.`;
    return { text, parts: [{ kind: 'text', text }] };
  }
  const lines = events.map((e) => {
    const actor = /^[UW][A-Z0-9]{2,20}$/.test(e.actor) ? mention(e.actor) : code(escapeUserText(e.actor, 60));
    const detail = e.detail
      ? ` ${Object.entries(e.detail)
          .slice(0, 4)
          .map(([k, v]) => `${escapeUserText(k, 30)}=${escapeUserText(v, 80)}`)
          .join(' ')}`
      : '';
    return `• ${utcMinute(e.at)} *${e.type}* by ${actor}${e.requestId ? ` ${code(e.requestId)}` : ''}${detail}`;
  });
  return {
    text: head.replace(/`/g, ''),
    parts: [
      { kind: 'text', text: `*${head}*` },
      { kind: 'text', text: linesWithin(lines, SECTION_MAX) },
      { kind: 'context', text: 'The full trail: `eks-access audit --cluster NAME --format csv`.' },
    ],
  };
}

/** "status" / "my access": what you hold now, with time left, then your recent requests. */
export function myAccessReply(requests: readonly AccessRequest[], now: number): Message {
  if (requests.length === 0) {
    const text = 'You have no access requests yet. Try `grant me view on <cluster> for 4h`.';
    return { text, parts: [{ kind: 'text', text }] };
  }
  const active = requests.filter((r) => r.status === 'granted');
  const activeText =
    active.length === 0
      ? '*Active access:* none.'
      : `*Active access:*\n${linesWithin(
          active.map(
            (r) =>
              `• *${r.level}* on ${code(r.cluster)} for ${mention(r.subject)}: ${timeLeft(r.outcome?.expiresAt, now)}${r.outcome?.expiresAt ? ` (ends ${utcMinute(r.outcome.expiresAt)})` : ''} · ${code(r.id)}`,
          ),
          SECTION_MAX - 20,
        )}`;
  const recent = linesWithin(
    requests.map((r) => `• ${code(r.id)} ${r.level} on ${code(r.cluster)} for ${mention(r.subject)}: *${r.status}*`),
    SECTION_MAX - 30,
  );
  return {
    text: 'Your access and recent requests',
    parts: [
      { kind: 'text', text: activeText },
      { kind: 'text', text: `*Your recent requests:*\n${recent}` },
    ],
  };
}
