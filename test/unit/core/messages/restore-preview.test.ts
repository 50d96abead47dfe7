import { describe, expect, it } from 'vitest';
import { restorePreviewPart } from '../../../../src/core/messages/restore-preview.ts';
import type { CurrentAccessInfo } from '../../../../src/core/request/request.ts';
import { asMrkdwn } from '../../../support/mrkdwn-message.ts';

const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy';
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const teamA = {
  policyArn: ADMIN,
  scope: 'namespaces team-a',
  accessScope: { type: 'namespace' as const, namespaces: ['team-a'] },
};
type Policies = Extract<CurrentAccessInfo['entry'], { kind: 'present' }>['policies'];
const present = (policies: Policies): CurrentAccessInfo => ({ grants: [], entry: { kind: 'present', policies } });

describe('the card says what the end of an access-entry grant restores', () => {
  it.each([
    [
      'a scoped policy widened for the grant',
      present([teamA]),
      ADMIN,
      [],
      'Now: `AmazonEKSAdminPolicy` on namespace `team-a` → during the grant: the whole cluster → after: back to namespace `team-a`',
    ],
    [
      'a policy that already covers the request',
      present([teamA]),
      ADMIN,
      ['team-a'],
      'during the grant: unchanged (it already covers the request) → after: unchanged',
    ],
    [
      'a policy the entry does not have',
      present([teamA]),
      VIEW,
      ['team-b'],
      'Now: no `AmazonEKSViewPolicy` → during the grant: `AmazonEKSViewPolicy` on namespace `team-b` → after: `AmazonEKSViewPolicy` removed again',
    ],
    [
      'no entry at all',
      { grants: [], entry: { kind: 'none' } } satisfies CurrentAccessInfo,
      VIEW,
      [],
      'Now: no access entry → during the grant: an access entry with `AmazonEKSViewPolicy` on the whole cluster → after: the entry is deleted again',
    ],
  ])('%s', (_, current: CurrentAccessInfo, policyArn, namespaces: string[], expected) => {
    const [part] = asMrkdwn({ text: '', parts: restorePreviewPart(current, policyArn, namespaces) }).parts;

    expect(part?.kind === 'text' ? part.text : '').toContain(expected);
  });

  it('says nothing when today’s access is unknown', () => {
    const unknown: CurrentAccessInfo = { grants: [], entry: { kind: 'unknown', reason: 'AWS did not answer in time' } };

    expect(restorePreviewPart(unknown, VIEW, [])).toEqual([]);
  });
});
