import type { ParseFailure } from '../intent/intent.ts';
import { escapeUserText } from './escape.ts';
import type { Message } from './message.ts';

const WHY: Record<ParseFailure['reason'], string> = {
  empty: 'Tell me what you need.',
  too_long: 'That message is too long for me to read; keep requests to one short line.',
  unrecognized: "I didn't understand that.",
  missing_cluster: 'Which cluster? Name it in the request.',
  missing_level: 'Which level? Say view, edit, admin or cluster-admin.',
  bad_duration: 'That duration is not one I accept: use minutes, hours or days, from 1m up to 30d (e.g. `for 4h`).',
  bad_namespace: 'Namespace names are lower-case letters, digits and hyphens (an optional trailing `*` matches many).',
};

/** What help may show: the clusters as configured (with aliases), and whether this person is mapped in `users`. */
export interface HelpContext {
  clusters: readonly { name: string; aliases: readonly string[] }[];
  /** False: the person has no IAM principal configured, so a grant would be refused; help says whom to ask. */
  isMapped?: boolean;
}

/**
 * Examples built from the live configuration: a newcomer copies an example, so each must name a cluster that
 * exists here (a sample `staging` in a workspace without one is a dead end), and one of them ends a grant.
 */
export function helpExamples(context: HelpContext): string[] {
  const [first, second] = context.clusters;
  if (!first) return ['`status` · `help`'];
  const other = second ?? first;
  const alias = first.aliases[0];
  return [
    `\`grant me view on ${first.name} for 4h because INC-123\``,
    `\`grant edit ${other.name}\` (slash command: \`/eks grant edit ${other.name}\`)`,
    `\`grant admin in namespace payments on ${alias ?? first.name} for 1h\`${alias ? ` (\`${alias}\` is short for \`${first.name}\`)` : ''}`,
    `\`I'm done with ${first.name}\` ends your grant early (slash command: \`/eks revoke ${first.name}\`)`,
    `\`cancel my request on ${first.name}\` · \`why am I unauthorized on ${first.name}\``,
    '`status` · `help` · levels: view, edit, admin, cluster-admin',
  ];
}

export function helpMessage(context: HelpContext, failure?: ParseFailure): Message {
  const lead = failure ? WHY[failure.reason] : 'I grant time-bound, approved access to EKS clusters.';
  const detail = failure?.detail ? ` (${escapeUserText(failure.detail, 100)})` : '';
  const clusterLine =
    context.clusters.length > 0
      ? `Clusters: ${context.clusters
          .map(
            (c) =>
              `\`${c.name}\`${c.aliases.length > 0 ? ` (also ${c.aliases.map((a) => `\`${a}\``).join(', ')})` : ''}`,
          )
          .join(', ')}`
      : '';
  const unmapped =
    context.isMapped === false
      ? [
          {
            kind: 'text' as const,
            text: 'You are not set up for access yet: an approver adds your IAM role under `users` in the config.',
          },
        ]
      : [];
  return {
    text: `${lead}${detail}`,
    parts: [
      { kind: 'text', text: `${lead}${detail}` },
      {
        kind: 'text',
        text: `Try:\n${helpExamples(context)
          .map((e) => `• ${e}`)
          .join('\n')}`,
      },
      ...unmapped,
      ...(clusterLine ? [{ kind: 'context' as const, text: clusterLine }] : []),
    ],
  };
}
