import type { YamlProblem } from '../aws-auth/types.ts';
import type { EntryMigrationPlan } from '../plan/entry-migration.ts';
import type { AccessRequest } from '../request/request.ts';
import { code, mention } from './escape.ts';
import { ACTIONS, type Message, type MessagePart } from './message.ts';

/** Slack sections hold 3,000 characters; long lists are cut with a count. */
const MAX_LISTED = 15;

function listed(lines: readonly string[]): string {
  const shown = lines.slice(0, MAX_LISTED).map((l) => `• ${l}`);
  if (lines.length > MAX_LISTED) shown.push(`• …and ${lines.length - MAX_LISTED} more`);
  return shown.join('\n');
}

export function migrationDoneMessage(
  request: AccessRequest,
  switched: boolean,
  plan: EntryMigrationPlan | undefined,
  planProblem?: string,
): Message {
  const head = switched
    ? `:white_check_mark: ${code(request.cluster)} now authenticates with access entries *and* aws-auth (API_AND_CONFIG_MAP). This cannot be undone.`
    : `:information_source: ${code(request.cluster)} was already past CONFIG_MAP; nothing was changed.`;
  const parts: MessagePart[] = [{ kind: 'text', text: head }];
  if (plan && plan.migrate.length > 0) {
    parts.push({
      kind: 'text',
      text: `${plan.migrate.length} aws-auth item(s) can move to access entries (roles get their IAM path back; \`system:masters\` becomes AmazonEKSClusterAdminPolicy):\n${listed(plan.migrate.map((m) => code(m.awsAuthArn)))}`,
    });
    if (plan.skipped.length > 0) {
      parts.push({
        kind: 'context',
        text: `Staying in aws-auth: ${plan.skipped
          .map((s) => `${code(s.arn)} (${s.reason})`)
          .slice(0, MAX_LISTED)
          .join(', ')}`,
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
  const text = `${mention(by)} moved ${moved.length} aws-auth item(s) to access entries.`;
  const parts: MessagePart[] = [{ kind: 'text', text }];
  if (moved.length > 0) parts.push({ kind: 'text', text: `Created:\n${listed(moved.map(code))}` });
  if (unchanged.length > 0)
    parts.push({ kind: 'context', text: `Already had an entry (left as is): ${unchanged.map(code).join(', ')}` });
  if (failed.length > 0)
    parts.push({ kind: 'text', text: `Not moved:\n${listed(failed.map((f) => `${code(f.arn)}: ${f.reason}`))}` });
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
  const text = `:unlock: Recovery of ${code(request.cluster)}: ${mention(request.subject)} has cluster-admin through an access entry.`;
  const parts: MessagePart[] = [
    { kind: 'text', text },
    { kind: 'text', text: `Done:\n${listed(actions)}` },
    { kind: 'text', text: `Check of ${mention(request.subject)}'s access: *${verdict.verdict}*: ${verdict.headline}` },
  ];
  if (brokenKeys.length > 0) {
    const lines = brokenKeys.map((b) => `\`${b.key}\` line ${b.error.line ?? '?'}: ${b.error.message.split('\n')[0]}`);
    parts.push({
      kind: 'text',
      text: `Fix next, the broken aws-auth (everyone mapped in these keys is still locked out):\n${listed(lines)}`,
    });
  } else {
    parts.push({
      kind: 'context',
      text: 'Next: find out what locked people out (aws-auth edits, a deleted creator) and remove the recovery access when done.',
    });
  }
  return { text, parts, requestId: request.id };
}
