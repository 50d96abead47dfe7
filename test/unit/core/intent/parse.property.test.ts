import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slackMessageText } from '../../../../src/adapters/slack/inbound-text.ts';
import { asPersonId } from '../../../../src/core/ids.ts';
import { isAllowedDuration } from '../../../../src/core/intent/duration.ts';
import type { Intent, ParseFailure } from '../../../../src/core/intent/intent.ts';
import { isValidNamespace } from '../../../../src/core/intent/namespaces.ts';
import { parseIntent } from '../../../../src/core/intent/parse.ts';
import { isReservedWord } from '../../../../src/core/intent/vocab.ts';
import { LEVEL_SYNONYMS } from '../../../../src/core/levels.ts';

const KINDS = new Set(['grant', 'revoke', 'diagnose', 'status', 'help', 'failure']);
const context = { clusterNames: ['prod-cluster', 'prod', 'staging'], botUserId: 'UBOT' };

/** Structural promises every result keeps, whatever the input. */
function isWellFormed(result: Intent | ParseFailure): boolean {
  if (!KINDS.has(result.kind)) return false;
  if (result.kind !== 'grant') return true;
  return (
    result.cluster !== '' &&
    result.namespaces.every(isValidNamespace) &&
    (result.durationMs === undefined || isAllowedDuration(result.durationMs)) &&
    (result.reason === undefined || (result.reason.length > 0 && result.reason.length <= 500))
  );
}

// Words the parser cares about, mixed with noise, so the random messages reach deep paths.
const vocabulary = fc.constantFrom(
  'grant',
  'give',
  'revoke',
  'drop',
  'why',
  'status',
  'help',
  '?',
  'me',
  'my',
  'i',
  'need',
  'access',
  'view',
  'edit',
  'admin',
  'cluster-admin',
  'read',
  'only',
  'on',
  'in',
  'to',
  'for',
  'from',
  'the',
  'prod',
  'prod-cluster',
  'staging',
  'prodd',
  'namespace',
  'namespaces',
  'ns',
  '-n',
  'ns:a,b',
  'a,',
  'and',
  'payments',
  'Bad_NS',
  'dev-*',
  '*',
  '4h',
  '1h30m',
  '99d',
  '0m',
  '2',
  'hours',
  'a',
  'day',
  'week',
  'because',
  'reason:',
  'INC-1',
  'break',
  'glass',
  'breakglass',
  '<@U0BOB>',
  '<@UBOT>',
  '<!channel>',
  '&lt;',
  '&amp;',
  '<https://x|prod>',
  'arn:aws:iam::1:role/x',
  'Unauthorized',
  "can't",
  'until',
  'forever',
  '@bob',
  '🙏',
  '\n',
  '::',
  '{',
  '}',
  '- ',
  '"',
);
const messages = fc.oneof(
  fc.array(vocabulary, { maxLength: 30 }).map((words) => words.join(' ')),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

describe('parseIntent properties', () => {
  it('never throws and always answers with a well-formed kind', () => {
    fc.assert(
      fc.property(messages, (text) => {
        const result = parseIntent(slackMessageText(text), context);
        return isWellFormed(result);
      }),
      { numRuns: 2000 },
    );
  });

  it('handles messages of 10k+ characters', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 10_000, maxLength: 12_000 }), (text) => {
        const result = parseIntent(slackMessageText(text), context);
        return result.kind === 'failure' && result.reason === 'too_long';
      }),
      { numRuns: 20 },
    );
  });

  it('handles long messages just under the limit', () => {
    fc.assert(
      fc.property(fc.array(vocabulary, { minLength: 500, maxLength: 900 }), (words) => {
        const text = words.join(' ').slice(0, 4000);
        return isWellFormed(parseIntent(slackMessageText(text), context));
      }),
      { numRuns: 30 },
    );
  });

  // Cluster names that do not collide with the parser's own words.
  const clusterName = fc
    .stringMatching(/^[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,8}){0,2}$/)
    .filter((name) => name.length >= 2 && !isReservedWord(name) && !name.split('-').some(isReservedWord));
  const levelWord = fc.constantFrom(...Object.keys(LEVEL_SYNONYMS));
  const mangleCase = (text: string, flips: readonly boolean[]): string =>
    [...text].map((char, index) => (flips[index % Math.max(1, flips.length)] ? char.toUpperCase() : char)).join('');

  it('round-trips any configured cluster and level word in a grant', () => {
    fc.assert(
      fc.property(
        clusterName,
        levelWord,
        fc.array(fc.boolean(), { maxLength: 8 }),
        fc.constantFrom(
          (level: string, cluster: string) => `grant ${level} on ${cluster}`,
          (level: string, cluster: string) => `${level} ${cluster}`,
          (level: string, cluster: string) => `grant ${level} ${cluster}`,
          (level: string, cluster: string) => `<@UBOT> can i get ${level} access to ${cluster}?`,
          (level: string, cluster: string) => `i need ${level} on the ${cluster} cluster please`,
        ),
        (cluster, level, flips, template) => {
          const configured = mangleCase(cluster, flips);
          const names = ['staging', configured, 'other-cluster'];
          const result = parseIntent(slackMessageText(template(level, cluster.toUpperCase())), {
            clusterNames: names,
            botUserId: 'UBOT',
          });
          expect(result).toEqual({
            kind: 'grant',
            subject: { kind: 'self' },
            cluster: configured,
            level: LEVEL_SYNONYMS[level],
            namespaces: [],
            isBreakGlass: false,
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('round-trips subject, namespace, duration and reason around any cluster and level', () => {
    fc.assert(
      fc.property(
        clusterName,
        levelWord,
        fc.integer({ min: 1, max: 720 }),
        clusterName,
        (cluster, level, hours, namespace) => {
          const text = `give <@U0BOB> ${level} in namespace ${namespace} on ${cluster} for ${hours}h because INC-9`;
          const result = parseIntent(slackMessageText(text), { clusterNames: [cluster] });
          expect(result).toEqual({
            kind: 'grant',
            subject: { kind: 'user', userId: asPersonId('U0BOB') },
            cluster,
            level: LEVEL_SYNONYMS[level],
            namespaces: [namespace],
            durationMs: hours * 3_600_000,
            reason: 'INC-9',
            isBreakGlass: false,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
