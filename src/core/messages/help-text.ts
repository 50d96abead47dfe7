import type { ParseFailure } from '../intent/intent.ts';
import type { Message } from './message.ts';
import { bullets, code, join, type Rich, rich, said, type Text } from './rich.ts';

const WHY: Record<ParseFailure['reason'], Text> = {
  empty: 'Tell me what you need.',
  too_long: 'That message is too long for me to read; keep requests to one short line.',
  unrecognized: "I didn't understand that.",
  missing_cluster: 'Which cluster? Name it in the request.',
  missing_level: 'Which level? Say view, edit, admin or cluster-admin.',
  bad_duration: rich`That duration is not one I accept: use minutes, hours or days, from 1m up to 30d (e.g. ${code('for 4h')}). Nothing was requested.`,
  negative_duration: rich`A duration cannot be negative: say how long you need access, e.g. ${code('for 4h')}. Nothing was requested.`,
  two_durations: rich`That message gives more than one duration: say one, e.g. ${code('for 4h')}. Nothing was requested.`,
  two_clusters: 'One request is for one cluster: send a separate request for each. Nothing was requested.',
  bad_namespace: rich`Namespace names are lower-case letters, digits and hyphens (an optional trailing ${code('*')} matches many).`,
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
export function helpExamples(context: HelpContext): Rich[] {
  const [first, second] = context.clusters;
  if (!first) return [rich`${code('status')} · ${code('help')}`];
  const other = second ?? first;
  const alias = first.aliases[0];
  return [
    [code(`grant me view on ${first.name} for 4h because INC-123`)],
    rich`${code(`grant edit ${other.name}`)} (slash command: ${code(`/eks grant edit ${other.name}`)})`,
    rich`${code(`grant admin in namespace payments on ${alias ?? first.name} for 1h`)}${alias ? rich` (${code(alias)} is short for ${code(first.name)})` : ''}`,
    rich`${code(`I'm done with ${first.name}`)} ends your grant early (slash command: ${code(`/eks revoke ${first.name}`)})`,
    rich`${code(`cancel my request on ${first.name}`)} · ${code(`why am I unauthorized on ${first.name}`)}`,
    rich`${code('status')} · ${code('help')} · levels: view, edit, admin, cluster-admin`,
  ];
}

export function helpMessage(context: HelpContext, failure?: ParseFailure): Message {
  const lead = failure ? WHY[failure.reason] : 'I grant time-bound, approved access to EKS clusters.';
  const detail = failure?.detail ? rich` (${said(failure.detail, 100)})` : '';
  const clusterLine =
    context.clusters.length > 0
      ? rich`Clusters: ${join(
          context.clusters.map(
            (c) => rich`${code(c.name)}${c.aliases.length > 0 ? rich` (also ${join(c.aliases.map(code), ', ')})` : ''}`,
          ),
          ', ',
        )}`
      : undefined;
  const unmapped =
    context.isMapped === false
      ? [
          {
            kind: 'text' as const,
            text: rich`You are not set up for access yet: prove your AWS identity by running ${code('aws eks get-token --cluster-name eks-access-link')} (with the profile you use for kubectl) and sending me the token in a DM, or an approver adds your IAM role under ${code('users')} in the config.`,
          },
        ]
      : [];
  return {
    text: rich`${lead}${detail}`,
    parts: [
      { kind: 'text', text: rich`${lead}${detail}` },
      { kind: 'text', text: rich`Try:\n${bullets(helpExamples(context))}` },
      ...unmapped,
      ...(clusterLine ? [{ kind: 'context' as const, text: clusterLine }] : []),
    ],
  };
}
