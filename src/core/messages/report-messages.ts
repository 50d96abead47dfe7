import { timeLeft, utcMinute } from '../access/time-left.ts';
import type { WhoHasAccess } from '../access/who-has-access.ts';
import type { AccessRequest } from '../request/request.ts';
import { linesWithin } from './home-view.ts';
import type { Message, MessagePart } from './message.ts';
import { plainReply } from './request-messages.ts';
import { cluster, code, foreignCode, icon, join, oneLine, person, rich, said, strong } from './rich.ts';

/** Slack's section text limit (https://docs.slack.dev/reference/block-kit/blocks/section-block). */
const SECTION_MAX = 3000;

/** "who has access to X": standing access first (it never ends by itself), then time-bound access with time left. */
export function whoHasAccessReply(clusterName: string, found: WhoHasAccess, now: number): Message {
  const standing = found.rows.filter((r) => r.kind === 'standing');
  const timeBound = found.rows.filter((r) => r.kind === 'time-bound');
  const head = `Who has access to ${clusterName}: ${standing.length} standing, ${timeBound.length} time-bound`;
  const parts: MessagePart[] = [
    {
      kind: 'text',
      text: [
        strong(
          rich`Who has access to ${cluster(clusterName)}: ${standing.length} standing, ${timeBound.length} time-bound`,
        ),
      ],
    },
  ];
  parts.push({
    kind: 'text',
    text: rich`${strong('Standing')} (stays until someone removes it):\n${
      standing.length === 0
        ? '—'
        : linesWithin(
            standing.map((r) => rich`• ${code(r.principalArn)} via ${r.via}: ${said(r.what, 200)}`),
            SECTION_MAX - 60,
          )
    }`,
  });
  parts.push({
    kind: 'text',
    text: rich`${strong('Time-bound')} (granted by eks-access, removed when it ends):\n${
      timeBound.length === 0
        ? '—'
        : linesWithin(
            timeBound.map(
              (r) =>
                rich`• ${code(r.principalArn)} via ${r.via}: ${said(r.what, 200)}, ${timeLeft(r.expiresAt, now)} (${join(
                  (r.grants ?? []).map((g) => rich`${code(g.id)} for ${person(g.subject)}`),
                  ', ',
                )})`,
            ),
            SECTION_MAX - 80,
          )
    }`,
  });
  if (found.missing.length > 0) {
    parts.push({
      kind: 'text',
      text: rich`${icon('warning')} Active eks-access grants with nothing on the cluster (removed by hand?): ${join(
        found.missing.map((g) => code(g.id)),
        ', ',
      )}. The reconciler reports and ends them.`,
    });
  }
  if (found.awsAuthUnavailable !== undefined) {
    parts.push({ kind: 'context', text: rich`aws-auth could not be read: ${said(found.awsAuthUnavailable)}` });
  }
  return { text: head, parts };
}

export interface AuditLine {
  type: string;
  at: number;
  actor: string;
  requestId?: string | undefined;
  detail?: Readonly<Record<string, string>> | undefined;
}

/** `/eks audit X`: the newest events about the cluster, one line each. */
export function auditReply(clusterName: string, events: readonly AuditLine[]): Message {
  if (events.length === 0) {
    const text = rich`No audit events recorded for ${cluster(clusterName)}.`;
    return { text, parts: [{ kind: 'text', text }] };
  }
  const lines = events.map((e) => {
    // Actors are people (by the id the chat gave) or a program name; a person is shown as one.
    const actor = /^[UW][A-Z0-9]{2,20}$/.test(e.actor) ? person(e.actor) : foreignCode(oneLine(e.actor, 60));
    const detail = e.detail
      ? rich` ${join(
          Object.entries(e.detail)
            .slice(0, 4)
            .map(([k, v]) => rich`${said(k, 30)}=${said(v, 80)}`),
          ' ',
        )}`
      : '';
    return rich`• ${utcMinute(e.at)} ${strong(e.type)} by ${actor}${e.requestId ? rich` ${code(e.requestId)}` : ''}${detail}`;
  });
  return {
    text: `Last ${events.length} audit event(s) for ${clusterName}, newest first`,
    parts: [
      {
        kind: 'text',
        text: [strong(rich`Last ${events.length} audit event(s) for ${cluster(clusterName)}, newest first`)],
      },
      { kind: 'text', text: linesWithin(lines, SECTION_MAX) },
      { kind: 'context', text: rich`The full trail: ${code('eks-access audit --cluster NAME --format csv')}.` },
    ],
  };
}

/** "status" / "my access": what you hold now, with time left, then your recent requests. */
export function myAccessReply(requests: readonly AccessRequest[], now: number): Message {
  if (requests.length === 0) {
    const text = rich`You have no access requests yet. Try ${code('grant me view on <cluster> for 4h')}.`;
    return { text, parts: [{ kind: 'text', text }] };
  }
  const active = requests.filter((r) => r.status === 'granted');
  const activeText =
    active.length === 0
      ? rich`${strong('Active access:')} none.`
      : rich`${strong('Active access:')}\n${linesWithin(
          active.map(
            (r) =>
              rich`• ${strong(r.level)} on ${cluster(r.cluster)} for ${person(r.subject)}: ${timeLeft(r.outcome?.expiresAt, now)}${r.outcome?.expiresAt ? ` (ends ${utcMinute(r.outcome.expiresAt)})` : ''} · ${code(r.id)}`,
          ),
          SECTION_MAX - 20,
        )}`;
  const recent = linesWithin(
    requests.map(
      (r) => rich`• ${code(r.id)} ${r.level} on ${cluster(r.cluster)} for ${person(r.subject)}: ${strong(r.status)}`,
    ),
    SECTION_MAX - 30,
  );
  return {
    text: 'Your access and recent requests',
    parts: [
      { kind: 'text', text: activeText },
      { kind: 'text', text: rich`${strong('Your recent requests:')}\n${recent}` },
    ],
  };
}

/** "who has access to X" listed only part of the access entries; this line says how many more there are. */
export function moreEntriesNote(notShown: number): MessagePart {
  return { kind: 'context', text: `…and ${notShown} more access entries not described here.` };
}

/** "who has access to X" when EKS cannot be read; `errorCode`: the adapter's error code. */
export function entriesUnreadableReply(clusterName: string, errorCode: string): Message {
  return plainReply(
    rich`I could not read the access entries of ${cluster(clusterName)} (${errorCode}); nothing was changed. Try again in a minute.`,
  );
}
