import { describe, expect, it } from 'vitest';
import { asPersonId } from '../../../../src/core/ids.ts';
import { type MessageText, plainMessage } from '../../../../src/core/intent/message-text.ts';
import { parseMessage } from '../../../../src/core/intent/parse-message.ts';

const context = { clusterNames: ['prod-cluster', 'staging'], botUserId: 'U0BOT' };
const bot = { kind: 'person', id: asPersonId('U0BOT') } as const;
const alice = { kind: 'person', id: asPersonId('U0ALICE'), label: 'alice' } as const;

function message(...parts: MessageText['parts']): MessageText {
  return { parts, length: parts.length * 10 };
}

describe('parseMessage', () => {
  it('reads the one-line commands before free text', () => {
    expect(parseMessage(plainMessage('cancel my request on staging'), context)).toEqual({
      kind: 'cancel',
      cluster: 'staging',
    });
    expect(parseMessage(message(bot, { kind: 'text', text: ' audit prod-cluster' }), context)).toEqual({
      kind: 'audit',
      cluster: 'prod-cluster',
    });
    expect(parseMessage(plainMessage('migrate prod-cluster'), context)).toEqual({
      kind: 'migrate',
      cluster: 'prod-cluster',
    });
  });

  it('takes the person to recover for from a mention, never from a plain-text @name', () => {
    expect(parseMessage(message(bot, { kind: 'text', text: ' recover prod-cluster for ' }, alice), context)).toEqual({
      kind: 'recover',
      cluster: 'prod-cluster',
      subject: 'U0ALICE',
    });
    expect(parseMessage(plainMessage('recover prod-cluster'), context)).toEqual({
      kind: 'recover_needs_subject',
      cluster: 'prod-cluster',
    });
    expect(parseMessage(plainMessage('recover prod-cluster for @alice'), context).kind).not.toBe('recover');
    expect(
      parseMessage(message({ kind: 'text', text: 'recover prod-cluster for ' }, alice, alice), context).kind,
    ).not.toBe('recover');
  });

  it('reads a mentioned person as the subject of a grant', () => {
    const result = parseMessage(
      message(bot, { kind: 'text', text: ' grant ' }, alice, { kind: 'text', text: ' view on staging' }),
      context,
    );
    expect(result).toMatchObject({ kind: 'grant', subject: { kind: 'user', userId: 'U0ALICE' }, cluster: 'staging' });
  });

  it('adds what a diagnose message pasted and says about the call', () => {
    const result = parseMessage(
      plainMessage('why am I unauthorized on prod-cluster as arn:aws:iam::111122223333:role/dev -n payments'),
      context,
    );
    expect(result).toEqual({
      kind: 'diagnose',
      cluster: 'prod-cluster',
      pastedArn: 'arn:aws:iam::111122223333:role/dev',
      identity: { kind: 'arn', arn: 'arn:aws:iam::111122223333:role/dev' },
      ask: { namespace: 'payments' },
    });
  });

  it('refuses by the length the chat sent, not the decoded length', () => {
    expect(parseMessage({ parts: [{ kind: 'text', text: 'help' }], length: 5000 }, context)).toEqual({
      kind: 'failure',
      reason: 'too_long',
    });
  });
});
