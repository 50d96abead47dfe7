import { type Cues, readCues } from './classify.ts';
import { type CandidateMode, findClusterCandidate, isCandidate, takeKnownCluster } from './clusters.ts';
import { takeDuration } from './durations-in-text.ts';
import {
  findStrayRecipient,
  splitReason,
  takeArn,
  takeBreakGlass,
  takeLevel,
  takeSubject,
  takeTicket,
} from './extract.ts';
import {
  type Intent,
  MAX_MESSAGE_CHARS,
  type ParseContext,
  type ParseFailure,
  type ParseFailureReason,
} from './intent.ts';
import type { MessageText } from './message-text.ts';
import { takeNamespaces } from './namespaces.ts';
import { claimWords, type Sentence, sentenceOf } from './sentence.ts';
import { type Token, tokenize } from './tokens.ts';
import { HELP_WORDS, LEVEL_FLAGS } from './vocab.ts';

export { MAX_MESSAGE_CHARS } from './intent.ts';

/**
 * The free-text grammar: reads a message (app mention, DM, or slash-command text) into an Intent. Pure and total:
 * never throws, and refuses a message over MAX_MESSAGE_CHARS before looking at it. Callers use `parseMessage`.
 */
export function parseIntent(message: MessageText, context: ParseContext): Intent | ParseFailure {
  if (message.length > MAX_MESSAGE_CHARS) return failure('too_long');
  const tokens = withoutBotMention(tokenize(message.parts), context.botUserId);
  if (tokens.length === 0) return failure('empty');

  const { body, reason } = splitReason(tokens);
  const sentence = sentenceOf(body);
  const pastedArn = takeArn(sentence);
  const namespaces = takeNamespaces(sentence, context.clusterNames);
  const level = takeLevel(sentence);
  const known = takeKnownCluster(sentence, context.clusterNames);
  const duration = takeDuration(sentence);
  const secondDuration = duration.ms === undefined ? undefined : takeDuration(sentence);
  const ticket = takeTicket(sentence);
  const isBreakGlass = takeBreakGlass(sentence);
  claimWords(sentence, LEVEL_FLAGS);
  const otherCluster = known === undefined ? undefined : secondKnownCluster(sentence, context.clusterNames, known.name);
  const headEnd = Math.min(level?.index ?? body.length, known?.index ?? body.length);
  const cues = readCues(sentence, headEnd);
  const subject = takeSubject(sentence);
  const cluster = (mode: CandidateMode): string | undefined => known?.name ?? findClusterCandidate(sentence, mode);

  const facts: Facts = {
    cues,
    helpFirst: isHelpFirst(tokens),
    hasLevel: level !== undefined,
    hasCluster: cluster('any') !== undefined,
    hasArn: pastedArn !== undefined,
    hasSubject: 'ambiguous' in subject || subject.subject.kind !== 'self',
    hasDuration: duration.ms !== undefined || duration.invalid !== undefined,
    isBreakGlass,
  };
  switch (decide(facts)) {
    case 'help':
      return { kind: 'help' };
    case 'status':
      return { kind: 'status' };
    case 'unrecognized':
      return failure('unrecognized');
    case 'diagnose': {
      const target = cluster('diagnose');
      return {
        kind: 'diagnose',
        ...(target === undefined ? {} : { cluster: target }),
        ...(pastedArn === undefined ? {} : { pastedArn }),
      };
    }
    case 'revoke': {
      if ('ambiguous' in subject) return failure('unrecognized', subject.ambiguous);
      const target = cluster('any');
      if (target === undefined) return { kind: 'revoke', subject: subject.subject };
      if (otherCluster !== undefined) return failure('two_clusters', `${target} and ${otherCluster}`);
      return { kind: 'revoke', subject: subject.subject, cluster: target };
    }
    case 'grant': {
      if (namespaces.invalid !== undefined) return failure('bad_namespace', namespaces.invalid);
      if (duration.isNegative === true) return failure('negative_duration', duration.invalid);
      if (duration.invalid !== undefined) return failure('bad_duration', duration.invalid);
      if (secondDuration !== undefined && (secondDuration.ms !== undefined || secondDuration.invalid !== undefined)) {
        return failure('two_durations', secondDuration.invalid);
      }
      if ('ambiguous' in subject) return failure('unrecognized', subject.ambiguous);
      const stray = known === undefined ? undefined : findStrayRecipient(sentence, isCandidate);
      if (stray !== undefined) return failure('unrecognized', stray);
      const target = cluster('any');
      if (target === undefined) return failure('missing_cluster');
      if (level === undefined) return failure('missing_level');
      if (otherCluster !== undefined) return failure('two_clusters', `${target} and ${otherCluster}`);
      const because =
        ticket !== undefined && reason !== undefined && !reason.includes(ticket)
          ? `${ticket}: ${reason}`
          : (reason ?? ticket);
      return {
        kind: 'grant',
        subject: subject.subject,
        cluster: target,
        level: level.level,
        namespaces: namespaces.namespaces,
        ...(duration.ms === undefined ? {} : { durationMs: duration.ms }),
        ...(because === undefined ? {} : { reason: because }),
        isBreakGlass,
      };
    }
  }
}

interface Facts {
  cues: Cues;
  helpFirst: boolean;
  hasLevel: boolean;
  hasCluster: boolean;
  hasArn: boolean;
  hasSubject: boolean;
  hasDuration: boolean;
  isBreakGlass: boolean;
}

type Decision = 'grant' | 'revoke' | 'diagnose' | 'status' | 'help' | 'unrecognized';

function decide(facts: Facts): Decision {
  const { cues } = facts;
  if (facts.helpFirst && !facts.hasLevel) return 'help';
  if (cues.verb !== undefined) return cues.verb;
  if (facts.isBreakGlass) return 'grant';
  if (facts.hasLevel && (cues.weakGrant || facts.hasCluster)) return 'grant';
  if (cues.diagnose || facts.hasArn) return 'diagnose';
  if (cues.status) return 'status';
  if (cues.help) return 'help';
  if (facts.hasLevel) return 'grant';
  if (cues.weakGrant && (cues.accessNoun || facts.hasCluster || facts.hasSubject || facts.hasDuration)) return 'grant';
  return 'unrecognized';
}

/**
 * A second configured cluster name in the same message ("view on prod and staging"), looked up on a copy so
 * nothing is claimed: one request is for one cluster, and silently picking the first would grant the wrong one.
 */
function secondKnownCluster(sentence: Sentence, names: readonly string[], first: string): string | undefined {
  const copy: Sentence = { tokens: sentence.tokens, used: [...sentence.used] };
  for (let found = takeKnownCluster(copy, names); found !== undefined; found = takeKnownCluster(copy, names)) {
    if (found.name.toLowerCase() !== first.toLowerCase()) return found.name;
  }
  return undefined;
}

/** Drops every mention of the bot, or, when its id is unknown, a mention that opens the message. */
function withoutBotMention(tokens: Token[], botUserId: string | undefined): Token[] {
  if (botUserId === undefined) return tokens[0]?.kind === 'mention' ? tokens.slice(1) : tokens;
  return tokens.filter((token) => token.kind !== 'mention' || token.userId !== botUserId);
}

function isHelpFirst(tokens: readonly Token[]): boolean {
  const first = tokens[0];
  if (first?.kind !== 'word') return false;
  return /^\?+$/.test(first.raw) || HELP_WORDS.has(first.word);
}

function failure(reason: ParseFailureReason, detail?: string): ParseFailure {
  return detail === undefined ? { kind: 'failure', reason } : { kind: 'failure', reason, detail };
}
