import { describe, expect, it } from 'vitest';
import { slackMessageText } from '../../../../src/adapters/slack/inbound-text.ts';
import { parseMessage } from '../../../../src/core/intent/parse-message.ts';

/**
 * Real phrasings, decoded by the Slack adapter and read by the parser's front door (which tries cancel, admin,
 * report, then the free-text intent), with the kind of reply each gets. A `failure:` kind is a clarifying answer naming the reason.
 * The slash command's text arrives without `/eks`; with `should_escape: true` a mention is `<@U…|name>`, and a
 * workspace that sends it plain gives `@name`, which is read as a name to look up (`unresolved`).
 */
const CLUSTERS = ['prod-cluster', 'prod', 'staging', 'stg', 'legacy-cluster', 'old-cluster'];

function replyKind(text: string): string {
  const intent = parseMessage(slackMessageText(text), { clusterNames: CLUSTERS, botUserId: 'U0BOT' });
  switch (intent.kind) {
    case 'cancel':
      return intent.cluster === undefined ? 'cancel' : `cancel ${intent.cluster}`;
    case 'migrate':
    case 'recover':
    case 'recover_needs_subject':
    case 'audit':
    case 'who_has_access':
      return `${intent.kind} ${intent.cluster}`;
    case 'failure':
      return `failure:${intent.reason}`;
    case 'grant': {
      const who =
        intent.subject.kind === 'self'
          ? 'me'
          : intent.subject.kind === 'user'
            ? intent.subject.userId
            : `@${intent.subject.name}?`;
      const extras = [
        intent.namespaces.length > 0 ? `ns=${intent.namespaces.join(',')}` : '',
        intent.durationMs === undefined ? '' : `${intent.durationMs / 60_000}m`,
        intent.isBreakGlass ? 'break-glass' : '',
      ].filter(Boolean);
      return [`grant ${intent.level} on ${intent.cluster} for ${who}`, ...extras].join(' ');
    }
    case 'revoke': {
      const who =
        intent.subject.kind === 'self'
          ? 'me'
          : intent.subject.kind === 'user'
            ? intent.subject.userId
            : `@${intent.subject.name}?`;
      return `revoke ${intent.cluster ?? '(no cluster)'} for ${who}`;
    }
    case 'diagnose':
      return `diagnose ${intent.cluster ?? intent.pastedArn ?? '(no cluster)'}`;
    default:
      return intent.kind;
  }
}

const PHRASINGS: readonly [string, string][] = [
  // Unlinked @names: looked up by the worker, never a "didn't understand".
  ['grant @dave view on prod', 'grant view on prod for @dave?'],
  ['grant @dave edit on staging for 2h', 'grant edit on staging for @dave? 120m'],
  ['give @dave.smith view on stg', 'grant view on stg for @dave.smith?'],
  ['revoke @bob on staging', 'revoke staging for @bob?'],
  ['grant <@U0BOB> @dave view on prod', 'failure:unrecognized'],
  ['grant <@U0BOB> <@U0CAROL> view on prod', 'failure:unrecognized'],
  // The slash command, escaped (should_escape: true) and plain.
  ['grant <@U0BOB|bob> view on staging', 'grant view on staging for U0BOB'],
  ['grant @bob view on staging', 'grant view on staging for @bob?'],
  ['grant <@U0BOB> edit on prod-cluster for 4h because INC-42', 'grant edit on prod-cluster for U0BOB 240m'],
  ['<@U0BOT> grant me view on staging', 'grant view on staging for me'],
  // Ending access, with and without a cluster.
  ['revoke', 'revoke (no cluster) for me'],
  ["I'm done", 'revoke (no cluster) for me'],
  ['i’m done', 'revoke (no cluster) for me'],
  ["I'm done with prod-cluster", 'revoke prod-cluster for me'],
  ['revoke my access to prod-cluster', 'revoke prod-cluster for me'],
  ['remove <@U0BOB> from prod-cluster', 'revoke prod-cluster for U0BOB'],
  ['drop my prod access', 'revoke prod for me'],
  ['release staging', 'revoke staging for me'],
  ['i no longer need prod', 'revoke prod for me'],
  ['revoke my access to prod and staging', 'failure:two_clusters'],
  // Cancelling a pending request (never an active grant).
  ['cancel', 'cancel'],
  ['cancel my request', 'cancel'],
  ['cancel my request on staging', 'cancel staging'],
  ['cancel prod-cluster', 'cancel prod-cluster'],
  ['cancel my access to prod', 'revoke prod for me'],
  // Cluster names as typed: an unknown word is kept for the "did you mean" answer.
  ['grant me view on prdo-cluster', 'grant view on prdo-cluster for me'],
  ['grant me view on stagign', 'grant view on stagign for me'],
  ['grant me edit on prod-clsuter for 2h', 'grant edit on prod-clsuter for me 120m'],
  // Durations.
  ['grant me view on prod for 30m', 'grant view on prod for me 30m'],
  ['grant me view on prod for 2 hours', 'grant view on prod for me 120m'],
  ['give me admin on staging for 1d', 'grant admin on staging for me 1440m'],
  ['I need read-only access to prod for an hour', 'grant view on prod for me 60m'],
  ['edit stg 2h', 'grant edit on stg for me 120m'],
  ['grant me view on prod for -5h', 'failure:negative_duration'],
  ['grant me view on prod for 4h for 2h', 'failure:two_durations'],
  ['grant me view on prod for forever', 'failure:bad_duration'],
  // Namespaces.
  ['grant me edit in namespace payments on staging', 'grant edit on staging for me ns=payments'],
  ['grant me edit on staging in namespaces a, b', 'grant edit on staging for me ns=a,b'],
  ['grant me view on staging in namespace Bad_NS', 'failure:bad_namespace'],
  // Other grant wordings and what is missing.
  ['can I get view on staging', 'grant view on staging for me'],
  ['view prod', 'grant view on prod for me'],
  ['need cluster-admin on prod-cluster for 1h, incident INC-123', 'grant cluster-admin on prod-cluster for me 60m'],
  ['breakglass admin on prod', 'grant admin on prod for me break-glass'],
  ['break glass prod-cluster', 'failure:missing_level'],
  ['grant view', 'failure:missing_cluster'],
  ['give me admin for 4h', 'failure:missing_cluster'],
  ['i need access', 'failure:missing_cluster'],
  ['grant me view on prod and staging', 'failure:two_clusters'],
  // Diagnoses.
  ["why can't I access prod-cluster?", 'diagnose prod-cluster'],
  ['kubectl says Unauthorized on staging', 'diagnose staging'],
  ['I get "You must be logged in to the server" on prod', 'diagnose prod'],
  ['error: You must be logged in to the server (Unauthorized)', 'diagnose (no cluster)'],
  ['diagnose arn:aws:iam::111122223333:role/dev', 'diagnose arn:aws:iam::111122223333:role/dev'],
  ["what's wrong with my access to staging", 'diagnose staging'],
  // Help.
  ['help', 'help'],
  ['help me', 'help'],
  ['what can you do?', 'help'],
  ['?', 'help'],
  // Status.
  ['status', 'status'],
  ['my access', 'status'],
  ['what access do I have', 'status'],
  ['list my requests', 'status'],
  // Approvers' reports and admin commands.
  ['audit prod-cluster', 'audit prod-cluster'],
  ['who has access to prod-cluster?', 'who_has_access prod-cluster'],
  ['migrate old-cluster', 'migrate old-cluster'],
  ['recover prod-cluster for <@U0ALICE>', 'recover prod-cluster'],
  ['recover prod-cluster', 'recover_needs_subject prod-cluster'],
  // Not understood: answered with the help for this workspace.
  ['hi', 'failure:unrecognized'],
  ['asdfgh', 'failure:unrecognized'],
  ['thanks!', 'failure:unrecognized'],
  ['', 'failure:empty'],
  ['x'.repeat(4001), 'failure:too_long'],
];

describe('real phrasings and the reply each gets', () => {
  it('has at least 60 of them', () => {
    expect(PHRASINGS.length).toBeGreaterThanOrEqual(60);
  });

  const named = PHRASINGS.map(([text, expected]) => {
    const label = text.length > 80 ? `${text.slice(0, 20)}… (${text.length} chars)` : text;
    return [label, expected, text] as const;
  });
  it.each(named)('%j → %s', (_label, expected, text) => {
    expect(replyKind(text)).toBe(expected);
  });
});
