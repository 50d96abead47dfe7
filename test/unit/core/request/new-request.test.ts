import { describe, expect, it } from 'vitest';
import { asPersonId, asPrincipalArn, asRequestId } from '../../../../src/core/ids.ts';
import { type NewRequestFields, newPendingRequest } from '../../../../src/core/request/new-request.ts';

const FIELDS: NewRequestFields = {
  id: asRequestId('R1'),
  kind: 'grant',
  requester: asPersonId('U0ALICE'),
  subject: asPersonId('U0ALICE'),
  principalArn: asPrincipalArn('arn:aws:iam::111122223333:role/platform/alice'),
  cluster: 'prod-cluster',
  level: 'view',
  namespaces: ['payments'],
  duration: { durationMs: 3_600_000 },
  conversation: { channel: 'C0GENERAL' },
};

describe('newPendingRequest', () => {
  it('stores a pending request at version 1 with no approvals, created and updated now', () => {
    const request = newPendingRequest(FIELDS, 1_000);

    expect(request).toMatchObject({ status: 'pending', version: 1, approvals: [], createdAt: 1_000, updatedAt: 1_000 });
    expect(request.threadTs).toBe('');
    expect(request.namespaces).toEqual(['payments']);
    expect(request.namespaces).not.toBe(FIELDS.namespaces);
  });

  it.each([
    ['a grant has no kind field', { kind: 'grant' as const }, 'kind', undefined],
    ['a recovery keeps its kind', { kind: 'recover' as const }, 'kind', 'recover'],
    ['an empty reason is left out', { reason: '' }, 'reason', undefined],
    [
      'a capped duration keeps what was asked',
      { duration: { durationMs: 10, cappedFromMs: 99 } },
      'requestedDurationMs',
      99,
    ],
    ['an uncapped one has no asked duration', { duration: { durationMs: 10 } }, 'requestedDurationMs', undefined],
  ])('%s', (_, change, key, expected) => {
    const request = newPendingRequest({ ...FIELDS, ...change }, 0) as unknown as Record<string, unknown>;

    expect(request[key]).toBe(expected);
    expect(key in request).toBe(expected !== undefined);
  });
});
