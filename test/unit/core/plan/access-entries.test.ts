import { describe, expect, it } from 'vitest';
import { asRequestId } from '../../../../src/core/ids.ts';
import {
  isCreatedByRequest,
  mergeScope,
  ownershipTags,
  scopeCovers,
  wantedScope,
} from '../../../../src/core/plan/access-entries.ts';

describe('access-entry plan', () => {
  it('scopes to the cluster unless namespaces are named', () => {
    expect(wantedScope([])).toEqual({ type: 'cluster' });
    expect(wantedScope(['payments'])).toEqual({ type: 'namespace', namespaces: ['payments'] });
  });

  it.each([
    ['nothing before', undefined, { type: 'namespace', namespaces: ['b'] }, { type: 'namespace', namespaces: ['b'] }],
    ['cluster before', { type: 'cluster' }, { type: 'namespace', namespaces: ['b'] }, { type: 'cluster' }],
    [
      'namespaces before',
      { type: 'namespace', namespaces: ['a', 'c'] },
      { type: 'namespace', namespaces: ['b', 'a'] },
      { type: 'namespace', namespaces: ['a', 'b', 'c'] },
    ],
    [
      'namespaces widened to cluster',
      { type: 'namespace', namespaces: ['a'] },
      { type: 'cluster' },
      { type: 'cluster' },
    ],
  ] as const)('merges scopes without narrowing (%s)', (_, existing, wanted, expected) => {
    expect(mergeScope(existing, wanted)).toEqual(expected);
  });

  it('knows when a scope already covers the request', () => {
    expect(scopeCovers({ type: 'cluster' }, { type: 'namespace', namespaces: ['x'] })).toBe(true);
    expect(scopeCovers({ type: 'namespace', namespaces: ['x'] }, { type: 'cluster' })).toBe(false);
    expect(scopeCovers({ type: 'namespace', namespaces: ['x', 'y'] }, { type: 'namespace', namespaces: ['y'] })).toBe(
      true,
    );
  });

  it('recognises only entries tagged by the same request as its own', () => {
    const id = asRequestId('R1234567890');
    const tags = ownershipTags(id);

    expect(isCreatedByRequest(tags, id)).toBe(true);
    expect(isCreatedByRequest(tags, asRequestId('R0000000000'))).toBe(false);
    expect(isCreatedByRequest({}, id)).toBe(false);
    expect(isCreatedByRequest(undefined, id)).toBe(false);
  });
});
