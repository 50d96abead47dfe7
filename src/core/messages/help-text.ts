import type { ParseFailure } from '../intent/intent.ts';
import { escapeUserText } from './escape.ts';
import type { Message } from './message.ts';

const EXAMPLES = [
  '`grant me view on prod-cluster for 4h because INC-123`',
  '`grant edit staging` (slash command: `/eks grant edit staging`)',
  '`give @alice admin in namespace payments on prod for 1h`',
  '`cancel my request on prod-cluster` (slash command: `/eks cancel prod-cluster`)',
  '`status` · `help`',
];

const WHY: Record<ParseFailure['reason'], string> = {
  empty: 'Tell me what you need.',
  too_long: 'That message is too long for me to read; keep requests to one short line.',
  unrecognized: "I didn't understand that.",
  missing_cluster: 'Which cluster? Name it in the request.',
  missing_level: 'Which level? Say view, edit, admin or cluster-admin.',
  bad_duration:
    'That duration is not one I accept: use minutes, hours or days, from 1m up to 30d (e.g. `for 4h`). Nothing was requested.',
  negative_duration:
    'A duration cannot be negative: say how long you need access, e.g. `for 4h`. Nothing was requested.',
  two_durations: 'That message gives more than one duration: say one, e.g. `for 4h`. Nothing was requested.',
  two_clusters: 'One request is for one cluster: send a separate request for each. Nothing was requested.',
  bad_namespace: 'Namespace names are lower-case letters, digits and hyphens (an optional trailing `*` matches many).',
};

export function helpMessage(clusters: readonly string[], failure?: ParseFailure): Message {
  const lead = failure ? WHY[failure.reason] : 'I grant time-bound, approved access to EKS clusters.';
  const detail = failure?.detail ? ` (${escapeUserText(failure.detail, 100)})` : '';
  const clusterLine = clusters.length > 0 ? `Clusters: ${clusters.map((c) => `\`${c}\``).join(', ')}` : '';
  return {
    text: `${lead}${detail}`,
    parts: [
      { kind: 'text', text: `${lead}${detail}` },
      { kind: 'text', text: `Try:\n${EXAMPLES.map((e) => `• ${e}`).join('\n')}` },
      ...(clusterLine ? [{ kind: 'context' as const, text: clusterLine }] : []),
    ],
  };
}
