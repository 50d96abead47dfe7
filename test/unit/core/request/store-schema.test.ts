import { describe, expect, it } from 'vitest';
import { asPrincipalArn } from '../../../../src/core/ids.ts';
import { DEFAULT_PENDING_TIMEOUT_MS } from '../../../../src/core/request/pending-timeout.ts';
import {
  judgeStoredSchema,
  SCHEMA_UPGRADES,
  STORE_SCHEMA_VERSION,
  storedShapeOf,
} from '../../../../src/core/request/store-schema.ts';
import { ALICE, BOB, pendingRequest } from './fixtures.ts';

describe('what the stored format version means', () => {
  it('an unmarked store is version 1 and gets every step up to the current version, in order', () => {
    const seen = judgeStoredSchema(null);

    expect(seen).toEqual({ kind: 'older', version: 1, steps: SCHEMA_UPGRADES });
    expect(SCHEMA_UPGRADES.map((s) => [s.from, s.to])).toEqual(
      Array.from({ length: STORE_SCHEMA_VERSION - 1 }, (_, i) => [i + 1, i + 2]),
    );
  });

  it('the current version needs nothing, a newer one is named, and a value that is no version is unreadable', () => {
    expect(judgeStoredSchema(String(STORE_SCHEMA_VERSION))).toEqual({ kind: 'current', version: STORE_SCHEMA_VERSION });
    expect(judgeStoredSchema('3', 2)).toEqual({ kind: 'newer', version: 3 });
    expect(judgeStoredSchema('two')).toEqual({ kind: 'unreadable', raw: 'two' });
    expect(judgeStoredSchema('0')).toEqual({ kind: 'unreadable', raw: '0' });
    expect(judgeStoredSchema('2.5')).toEqual({ kind: 'unreadable', raw: '2.5' });
  });

  it('a store at version 2 of a code that knows 4 runs only the steps from 2', () => {
    const seen = judgeStoredSchema('2', 4);

    expect(seen.kind).toBe('older');
    expect(seen.kind === 'older' && seen.steps.every((s) => s.from >= 2)).toBe(true);
  });
});

describe('the indexes and timers a stored request needs', () => {
  it('pending: both people, the pending-by-cluster index, and a lapse at createdAt + the pending timeout', () => {
    const request = pendingRequest({ requester: BOB, subject: ALICE, createdAt: 5_000 });

    const shape = storedShapeOf(request, 60_000);

    expect(shape.indexes).toEqual([
      { index: 'requests-of-person', person: BOB, score: 5_000 },
      { index: 'requests-of-person', person: ALICE, score: 5_000 },
      { index: 'pending-on-cluster', cluster: 'prod-cluster', score: 5_000 },
    ]);
    expect(shape.timers).toEqual([{ job: 'lapse', at: 65_000 }]);
    expect(storedShapeOf(request, undefined).timers).toEqual([
      { job: 'lapse', at: 5_000 + DEFAULT_PENDING_TIMEOUT_MS },
    ]);
  });

  it('approved and applying: the in-flight index scored by the last change, no timer', () => {
    for (const status of ['approved', 'applying'] as const) {
      const shape = storedShapeOf(pendingRequest({ status, updatedAt: 7_000 }), 60_000);

      expect(shape.indexes).toContainEqual({ index: 'in-flight', score: 7_000 });
      expect(shape.timers).toEqual([]);
    }
  });

  it('granted with an end: the active indexes under the principal that was granted, and its expiry job', () => {
    const granted = pendingRequest({
      status: 'granted',
      outcome: {
        principalArn: asPrincipalArn('arn:aws:iam::111122223333:role/alice-resolved'),
        policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
        hadEntryBefore: false,
        hadPolicyBefore: false,
        verifiedAt: 2_000,
        expiresAt: 9_000,
      },
    });

    const shape = storedShapeOf(granted, 60_000);

    expect(shape.indexes.slice(1)).toEqual([
      { index: 'active-grants', score: 9_000 },
      {
        index: 'grants-of-principal',
        cluster: 'prod-cluster',
        principalArn: 'arn:aws:iam::111122223333:role/alice-resolved',
      },
      { index: 'active-on-cluster', cluster: 'prod-cluster' },
    ]);
    expect(shape.timers).toEqual([{ job: 'expire', at: 9_000 }]);
  });

  it('ended requests and grants without an end (migrations) are only in the people index', () => {
    for (const request of [
      pendingRequest({ status: 'expired' }),
      pendingRequest({ status: 'lapsed' }),
      pendingRequest({
        kind: 'migrate',
        status: 'granted',
        outcome: {
          principalArn: asPrincipalArn('arn:aws:iam::111122223333:user/alice'),
          policyArn: '',
          hadEntryBefore: false,
          hadPolicyBefore: false,
          verifiedAt: 2_000,
        },
      }),
    ]) {
      const shape = storedShapeOf(request, 60_000);

      expect(shape.indexes.map((e) => e.index)).toEqual(['requests-of-person']);
      expect(shape.timers).toEqual([]);
    }
  });
});
