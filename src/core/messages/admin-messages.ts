import type { YamlProblem } from '../aws-auth/types.ts';
import type { EntryMigrationPlan } from '../plan/entry-migration.ts';
import type { AccessRequest } from '../request/request.ts';
import { ACTIONS, type Message, type MessagePart } from './message.ts';
import { plainReply } from './request-messages.ts';
import { bullets, cluster, code, icon, join, person, type Rich, rich, type Span, strong, type Text } from './rich.ts';

/** Long lists are cut with a count, so a message stays short (and within chat platforms' section limits). */
const MAX_LISTED = 15;

function listed(lines: readonly (Text | Span)[]): Rich {
  const more = lines.length > MAX_LISTED ? [`…and ${lines.length - MAX_LISTED} more`] : [];
  return bullets([...lines.slice(0, MAX_LISTED), ...more]);
}

export function migrationDoneMessage(
  request: AccessRequest,
  switched: boolean,
  plan: EntryMigrationPlan | undefined,
  planProblem?: string,
): Message {
  const head = switched
    ? rich`${icon('ok')} ${cluster(request.cluster)} now authenticates with access entries ${strong('and')} aws-auth (API_AND_CONFIG_MAP). This cannot be undone.`
    : rich`${icon('info')} ${cluster(request.cluster)} was already past CONFIG_MAP; nothing was changed.`;
  const parts: MessagePart[] = [{ kind: 'text', text: head }];
  if (plan && plan.migrate.length > 0) {
    parts.push({
      kind: 'text',
      text: rich`${plan.migrate.length} aws-auth item(s) can move to access entries (roles get their IAM path back; ${code('system:masters')} becomes AmazonEKSClusterAdminPolicy):\n${listed(plan.migrate.map((m) => code(m.awsAuthArn)))}`,
    });
    if (plan.skipped.length > 0) {
      parts.push({
        kind: 'context',
        text: rich`Staying in aws-auth: ${join(
          plan.skipped.map((s) => rich`${code(s.arn)} (${s.reason})`).slice(0, MAX_LISTED),
          ', ',
        )}`,
      });
    }
    parts.push({
      kind: 'buttons',
      buttons: [
        { action: ACTIONS.migrateEntries, label: 'Move them to access entries', value: request.id, style: 'primary' },
      ],
    });
  } else if (planProblem) {
    parts.push({ kind: 'context', text: `aws-auth could not be read to plan moving its items: ${planProblem}` });
  }
  return { text: head, parts, requestId: request.id };
}

export function entriesMovedMessage(
  moved: readonly string[],
  unchanged: readonly string[],
  failed: readonly { arn: string; reason: string }[],
  by: string,
): Message {
  const text = rich`${person(by)} moved ${moved.length} aws-auth item(s) to access entries.`;
  const parts: MessagePart[] = [{ kind: 'text', text }];
  if (moved.length > 0) parts.push({ kind: 'text', text: rich`Created:\n${listed(moved.map(code))}` });
  if (unchanged.length > 0)
    parts.push({ kind: 'context', text: rich`Already had an entry (left as is): ${join(unchanged.map(code), ', ')}` });
  if (failed.length > 0)
    parts.push({
      kind: 'text',
      text: rich`Not moved:\n${listed(failed.map((f) => rich`${code(f.arn)}: ${f.reason}`))}`,
    });
  parts.push({
    kind: 'context',
    text: 'The aws-auth items stay until you remove them; in API_AND_CONFIG_MAP an access entry wins over an aws-auth item for the same principal.',
  });
  return { text, parts };
}

export function recoveryReport(
  request: AccessRequest,
  actions: readonly string[],
  verdict: { verdict: string; headline: string },
  brokenKeys: readonly { key: string; error: YamlProblem }[],
): Message {
  const text = rich`${icon('unlocked')} Recovery of ${cluster(request.cluster)}: ${person(request.subject)} has cluster-admin through an access entry.`;
  const parts: MessagePart[] = [
    { kind: 'text', text },
    { kind: 'text', text: rich`Done:\n${listed(actions)}` },
    {
      kind: 'text',
      text: rich`Check of ${person(request.subject)}'s access: ${strong(verdict.verdict)}: ${verdict.headline}`,
    },
  ];
  if (brokenKeys.length > 0) {
    const lines = brokenKeys.map(
      (b) => rich`${code(b.key)} line ${b.error.line ?? '?'}: ${b.error.message.split('\n')[0] ?? ''}`,
    );
    parts.push({
      kind: 'text',
      text: rich`Fix next, the broken aws-auth (everyone mapped in these keys is still locked out):\n${listed(lines)}`,
    });
  } else {
    parts.push({
      kind: 'context',
      text: 'Next: find out what locked people out (aws-auth edits, a deleted creator) and remove the recovery access when done.',
    });
  }
  return { text, parts, requestId: request.id };
}

/** "recover X" without the person to give cluster-admin to. */
export function recoverNeedsSubjectReply(clusterGiven: string): Message {
  return plainReply(rich`Whom should I give cluster-admin to? Say ${code(`recover ${clusterGiven} for @someone`)}.`);
}

/** "Move them to access entries" when aws-auth cannot be read; `problem` says why. */
export function awsAuthUnreadableReply(problem: string | undefined): Message {
  return plainReply(`aws-auth could not be read: ${problem ?? 'unknown'}`);
}
