import { describe, expect, it } from 'vitest';
import { slackMessageText } from '../../../../src/adapters/slack/inbound-text.ts';
import { asPersonId } from '../../../../src/core/ids.ts';
import type { Intent, ParseFailure, ParseFailureReason, Subject } from '../../../../src/core/intent/intent.ts';
import { MAX_MESSAGE_CHARS, parseIntent } from '../../../../src/core/intent/parse.ts';
import type { Level } from '../../../../src/core/levels.ts';

type Grant = Extract<Intent, { kind: 'grant' }>;

const context = { clusterNames: ['prod-cluster', 'prod', 'staging', 'stg', 'dev-eu', 'Sandbox'], botUserId: 'UBOT' };
const self: Subject = { kind: 'self' };
const user = (id: string): Subject => ({ kind: 'user', userId: asPersonId(id) });
const grant = (cluster: string, level: Level, extra: Partial<Grant> = {}): Grant => ({
  kind: 'grant',
  subject: self,
  cluster,
  level,
  namespaces: [],
  isBreakGlass: false,
  ...extra,
});
const revoke = (cluster?: string, subject: Subject = self): Intent =>
  cluster === undefined ? { kind: 'revoke', subject } : { kind: 'revoke', subject, cluster };
const diagnose = (extra: { cluster?: string; pastedArn?: string } = {}): Intent => ({ kind: 'diagnose', ...extra });
const fail = (reason: ParseFailureReason, detail?: string): ParseFailure =>
  detail === undefined ? { kind: 'failure', reason } : { kind: 'failure', reason, detail };

const H = 3_600_000;
const M = 60_000;
const ARN_ROLE = 'arn:aws:iam::111122223333:role/Dev';
const ARN_SESSION = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Dev_abc/alice@example.com';

const grants: [string, Intent | ParseFailure][] = [
  [
    'grant me view on prod-cluster for 4h because INC-123',
    grant('prod-cluster', 'view', { durationMs: 4 * H, reason: 'INC-123' }),
  ],
  ['grant edit staging', grant('staging', 'edit')],
  ['<@UBOT> grant me read-only on prod', grant('prod', 'view')],
  ['give <@U0BOB> edit on staging for 30m', grant('staging', 'edit', { subject: user('U0BOB'), durationMs: 30 * M })],
  ['i need admin in namespace payments on prod', grant('prod', 'admin', { namespaces: ['payments'] })],
  ['request viewer access to prod-cluster', grant('prod-cluster', 'view')],
  ['view prod', grant('prod', 'view')],
  ['grant view on stg', grant('stg', 'view')],
  ['grant view on SANDBOX.', grant('Sandbox', 'view')],
  ['grant view on Prod-Cluster', grant('prod-cluster', 'view')],
  ['grant view on the prod cluster', grant('prod-cluster', 'view')],
  ['grant view on prodd', grant('prodd', 'view')],
  ['grant edit on the qa cluster', grant('qa', 'edit')],
  ['grant view in prod', grant('prod', 'view')],
  ['can i get edit on staging for 2 hours', grant('staging', 'edit', { durationMs: 2 * H })],
  ['i want read access to stg for 90 minutes', grant('stg', 'view', { durationMs: 90 * M })],
  ['grant edit on staging for 1h30m', grant('staging', 'edit', { durationMs: 90 * M })],
  ['grant view on prod for a day', grant('prod', 'view', { durationMs: 24 * H })],
  ['grant view on prod for an hour', grant('prod', 'view', { durationMs: H })],
  ['grant view on prod 1d', grant('prod', 'view', { durationMs: 24 * H })],
  ['grant edit staging 2h', grant('staging', 'edit', { durationMs: 2 * H })],
  ['grant view on prod for 1.5 hours', grant('prod', 'view', { durationMs: 90 * M })],
  ['grant view on prod for 4h for INC-123', grant('prod', 'view', { durationMs: 4 * H, reason: 'INC-123' })],
  ['grant edit on staging -n a -n b', grant('staging', 'edit', { namespaces: ['a', 'b'] })],
  ['add me to prod as viewer', grant('prod', 'view')],
  ['grant view on prod for 2 hours and 30 minutes', grant('prod', 'view', { durationMs: 150 * M })],
  [
    'hey, could I get read-only access on dev-eu for the next 2 hours? thanks',
    grant('dev-eu', 'view', { durationMs: 2 * H }),
  ],
  ['can you please give me edit on stg for 45 min?', grant('stg', 'edit', { durationMs: 45 * M })],
  [
    "I'd like to request write access to staging in ns web for 3h because deploy",
    grant('staging', 'edit', { namespaces: ['web'], durationMs: 3 * H, reason: 'deploy' }),
  ],
  [
    'grant view to <@U0BOB> on prod in namespaces a, b and c',
    grant('prod', 'view', { subject: user('U0BOB'), namespaces: ['a', 'b', 'c'] }),
  ],
  [
    'grant admin in namespaces payments billing on prod',
    grant('prod', 'admin', { namespaces: ['payments', 'billing'] }),
  ],
  ['grant edit -n foo staging', grant('staging', 'edit', { namespaces: ['foo'] })],
  ['grant edit staging namespace=foo', grant('staging', 'edit', { namespaces: ['foo'] })],
  ['grant edit staging ns:foo,bar', grant('staging', 'edit', { namespaces: ['foo', 'bar'] })],
  ['grant edit in ns team-* on prod', grant('prod', 'edit', { namespaces: ['team-*'] })],
  ['grant view in the payments namespace on prod', grant('prod', 'view', { namespaces: ['payments'] })],
  ['grant admin in namespace prod on staging', grant('staging', 'admin', { namespaces: ['prod'] })],
  ['i need admin in namespace PAYMENTS on prod', grant('prod', 'admin', { namespaces: ['payments'] })],
  ['grant admin in all namespaces on prod', grant('prod', 'admin')],
  ['grant me namespace admin on prod', grant('prod', 'admin')],
  ['cluster admin on prod', grant('prod', 'cluster-admin')],
  ['read only on prod', grant('prod', 'view')],
  ['grant view on prod for INC-42', grant('prod', 'view', { reason: 'INC-42' })],
  ['grant view on prod reason: deploying hotfix', grant('prod', 'view', { reason: 'deploying hotfix' })],
  ['grant view on prod because a &lt;b&gt; &amp; c', grant('prod', 'view', { reason: 'a <b> & c' })],
  ['grant view on prod\nbecause deploy\n\nneeded', grant('prod', 'view', { reason: 'deploy needed' })],
  ['give me view on prod to debug the outage', grant('prod', 'view')],
  ['need edit on prod to drop a table', grant('prod', 'edit')],
  ['🙏 please grant me view on prod-cluster 🚀', grant('prod-cluster', 'view')],
  ['grant   me\n\nview   on\tprod', grant('prod', 'view')],
  ['GRANT ME VIEW ON PROD', grant('prod', 'view')],
  ['ｇｒａｎｔ ｖｉｅｗ ｏｎ ｐｒｏｄ', grant('prod', 'view')],
  ['grant view on прод', grant('прод', 'view')],
  ['<!channel> grant view on prod <!here>', grant('prod', 'view')],
  ['grant: {view: prod}', grant('prod', 'view')],
  ['grant view on <https://prod.example.com|prod>', grant('prod', 'view')],
];

const breakGlass: [string, Intent | ParseFailure][] = [
  [
    'break glass admin on prod-cluster because INC-123',
    grant('prod-cluster', 'admin', { reason: 'INC-123', isBreakGlass: true }),
  ],
  ['break-glass cluster-admin on prod', grant('prod', 'cluster-admin', { isBreakGlass: true })],
  [
    'breakglass admin prod for 1h because outage',
    grant('prod', 'admin', { durationMs: H, reason: 'outage', isBreakGlass: true }),
  ],
];

const grantFailures: [string, Intent | ParseFailure][] = [
  ['grant me on prod', fail('missing_level')],
  ['request access to prod', fail('missing_level')],
  ['grant view', fail('missing_cluster')],
  ['give me admin for 4h', fail('missing_cluster')],
  ['i need access', fail('missing_cluster')],
  ['grant view on prod for 99d', fail('bad_duration', '99d')],
  ['grant view on prod for 0m', fail('bad_duration', '0m')],
  ['grant view on prod for 10', fail('bad_duration', '10')],
  ['grant view on prod for 4 weeks', fail('bad_duration', '4 weeks')],
  ['grant view on prod for 2w', fail('bad_duration', '2w')],
  ['grant view on prod forever', fail('bad_duration', 'forever')],
  ['grant view on prod until tomorrow', fail('bad_duration', 'until tomorrow')],
  ['grant edit in namespace Bad_NS on prod', fail('bad_namespace', 'Bad_NS')],
  ['grant admin -n * on prod', fail('bad_namespace', '*')],
  ['grant admin in namespace on prod', fail('bad_namespace', '')],
  ['grant <@U1> and <@U2> view on prod', fail('unrecognized', '@U2')],
  ['grant @bob view on prod', { ...grant('prod', 'view'), subject: { kind: 'unresolved', name: 'bob' } }],
  ['grant <@U1> @bob view on prod', fail('unrecognized', '@bob')],
  ['grant @bob @dave view on prod', fail('unrecognized', '@dave')],
  ['give bob view on prod', fail('unrecognized', 'bob')],
  ['grant admin on prod for -5h', fail('negative_duration', '-5h')],
  ['grant view on prod for -5 hours', fail('negative_duration', '-5 hours')],
  ['grant view prod -2d', fail('negative_duration', '-2d')],
  ['grant view on prod for \u22121h', fail('negative_duration', '\u22121h')],
  ['grant view on prod --duration -30m', fail('negative_duration', '-30m')],
  ['grant view on prod --duration soon', fail('bad_duration', 'soon')],
  ['grant view on prod ttl=later', fail('bad_duration', 'later')],
  ['grant view on prod for 4h for 2h', fail('two_durations')],
  ['grant view on prod for 4h, 2 weeks', fail('two_durations', '2 weeks')],
  ['grant view on prod and staging', fail('two_clusters', 'prod and staging')],
  ['grant view on prod staging for 2h', fail('two_clusters', 'prod and staging')],
  ['give <@U0BOB> edit on dev-eu and on prod-cluster', fail('two_clusters', 'dev-eu and prod-cluster')],
];

const revokes: [string, Intent | ParseFailure][] = [
  ['revoke my access to prod', revoke('prod')],
  ['remove me from staging', revoke('staging')],
  ['drop prod', revoke('prod')],
  ['release prod-cluster', revoke('prod-cluster')],
  ["i'm done with prod", revoke('prod')],
  ['i’m done with my prod access', revoke('prod')],
  ['done with prod-cluster', revoke('prod-cluster')],
  ['revoke <@U0BOB> on staging', revoke('staging', user('U0BOB'))],
  ['remove <@U0BOB> from prod-cluster', revoke('prod-cluster', user('U0BOB'))],
  ['cancel my request for staging', revoke('staging')],
  ['i no longer need prod', revoke('prod')],
  ['i need to drop my access on prod', revoke('prod')],
  ['give up prod', revoke('prod')],
  ['revoke view on qa', revoke('qa')],
  ['revoke prod for <@U0BOB>', revoke('prod', user('U0BOB'))],
  ['revoke', revoke()],
  ["I'm done", revoke()],
  ['revoke <@U0BOB>', revoke(undefined, user('U0BOB'))],
  ['revoke my access to prod and staging', fail('two_clusters', 'prod and staging')],
];

const diagnoses: [string, Intent | ParseFailure][] = [
  ['why am I unauthorized on prod-cluster', diagnose({ cluster: 'prod-cluster' })],
  ["why can't I access prod", diagnose({ cluster: 'prod' })],
  ['why can’t i access qa', diagnose({ cluster: 'qa' })],
  ['error: You must be logged in to the server (Unauthorized)', diagnose()],
  ['error: You must be logged in to the server (Unauthorized) on prod-cluster', diagnose({ cluster: 'prod-cluster' })],
  ['the server has asked for the client to provide credentials', diagnose()],
  ['the server has asked for the client to provide credentials (staging)', diagnose({ cluster: 'staging' })],
  [`error: You must be logged in to the server (Unauthorized) ${ARN_SESSION}`, diagnose({ pastedArn: ARN_SESSION })],
  [`\`${ARN_ROLE}\` can't access prod`, diagnose({ cluster: 'prod', pastedArn: ARN_ROLE })],
  ['kubectl says Unauthorized for prod', diagnose({ cluster: 'prod' })],
  ['why prod-cluster', diagnose({ cluster: 'prod-cluster' })],
  ['diagnose prod', diagnose({ cluster: 'prod' })],
  ['doctor prod', diagnose({ cluster: 'prod' })],
  ['why do i get 401 on staging', diagnose({ cluster: 'staging' })],
  ['access denied on prod', diagnose({ cluster: 'prod' })],
  ['why', diagnose()],
  ['my access to prod keeps failing', diagnose({ cluster: 'prod' })],
  ['kubectl get pods fails on qa-east', diagnose({ cluster: 'qa-east' })],
];

const others: [string, Intent | ParseFailure][] = [
  ['status', { kind: 'status' }],
  ['my access', { kind: 'status' }],
  ['my requests', { kind: 'status' }],
  ['what access do i have', { kind: 'status' }],
  ["what's my access?", { kind: 'status' }],
  ['help', { kind: 'help' }],
  ['?', { kind: 'help' }],
  ['usage', { kind: 'help' }],
  ['help me', { kind: 'help' }],
  ['status prod', { kind: 'status' }],
  ['<@UBOT> help', { kind: 'help' }],
  ['what can you do', { kind: 'help' }],
  ['', fail('empty')],
  ['  \n\t ', fail('empty')],
  ['<@UBOT>', fail('empty')],
  ['hello', fail('unrecognized')],
  ['thanks!', fail('unrecognized')],
  ['please', fail('unrecognized')],
];

describe('parseIntent', () => {
  it.each([...grants, ...breakGlass])('reads the grant %j', (text, expected) => {
    // Arrange: the shared context. Act
    const result = parseIntent(slackMessageText(text), context);
    // Assert
    expect(result).toEqual(expected);
  });

  it.each(grantFailures)('refuses the grant %j', (text, expected) => {
    const result = parseIntent(slackMessageText(text), context);
    expect(result).toEqual(expected);
  });

  it.each(revokes)('reads the revoke %j', (text, expected) => {
    const result = parseIntent(slackMessageText(text), context);
    expect(result).toEqual(expected);
  });

  it.each(diagnoses)('reads the diagnosis %j', (text, expected) => {
    const result = parseIntent(slackMessageText(text), context);
    expect(result).toEqual(expected);
  });

  it.each(others)('reads %j', (text, expected) => {
    const result = parseIntent(slackMessageText(text), context);
    expect(result).toEqual(expected);
  });

  it('covers at least fifty phrasings', () => {
    const count = grants.length + breakGlass.length + grantFailures.length + revokes.length + diagnoses.length;
    expect(count + others.length).toBeGreaterThanOrEqual(50);
  });

  it('drops a leading mention when the bot id is unknown', () => {
    const result = parseIntent(slackMessageText('<@UANYBOT> grant view on prod'), { clusterNames: ['prod'] });
    expect(result).toEqual(grant('prod', 'view'));
  });

  it('treats a leading mention of someone else as the subject when the bot id is known', () => {
    const result = parseIntent(slackMessageText('<@U0BOB> view prod'), context);
    expect(result).toEqual(grant('prod', 'view', { subject: user('U0BOB') }));
  });

  it('keeps a named mention as the subject', () => {
    const result = parseIntent(slackMessageText('<@UBOT> give <@U0BOB|bob> edit on stg'), context);
    expect(result).toEqual(grant('stg', 'edit', { subject: user('U0BOB') }));
  });

  it('returns an unknown cluster raw when no clusters are configured', () => {
    const result = parseIntent(slackMessageText('grant edit Staging'), { clusterNames: [] });
    expect(result).toEqual(grant('Staging', 'edit'));
  });

  it('accepts a message of exactly the maximum length', () => {
    const text = `grant view on prod because ${'x'.repeat(MAX_MESSAGE_CHARS - 27)}`;
    const result = parseIntent(slackMessageText(text), context);
    expect(text).toHaveLength(MAX_MESSAGE_CHARS);
    expect(result).toEqual(grant('prod', 'view', { reason: 'x'.repeat(500) }));
  });

  it('refuses a 100 KB message as too long', () => {
    const text = `grant view on prod ${'a'.repeat(100_000)}`;
    const result = parseIntent(slackMessageText(text), context);
    expect(result).toEqual(fail('too_long'));
  });

  it.each([
    'for '.repeat(990),
    '1 '.repeat(1990),
    'ns a, '.repeat(660),
    '<'.repeat(MAX_MESSAGE_CHARS),
    '<@U1>'.repeat(790),
    'in namespaces a b '.repeat(200),
    '&amp;'.repeat(790),
  ])('answers hostile input without throwing and without granting %#', (text) => {
    const result = parseIntent(slackMessageText(text), context);
    expect(result.kind).not.toBe('grant');
  });
});
