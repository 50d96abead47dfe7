import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../../../src/core/intent/suggest.ts';

const clusters = ['prod-cluster', 'staging', 'dev-eu', 'dev-us', 'Sandbox'];

describe('closestName', () => {
  it.each([
    ['prod', 'prod-cluster'],
    ['prodd-cluster', 'prod-cluster'],
    ['prod-clsuter', 'prod-cluster'],
    ['PROD-CLUSTER', 'prod-cluster'],
    ['stagin', 'staging'],
    ['stg', 'staging'],
    ['staging2', 'staging'],
    ['sandbox', 'Sandbox'],
    ['sanbox', 'Sandbox'],
    ['dev-eu', 'dev-eu'],
    ['dev', 'dev-eu'],
    ['dev-ue', 'dev-eu'],
    ['cluster', 'prod-cluster'],
  ])('suggests %j for %j', (input, expected) => {
    // Act
    const result = closestName(input, clusters);
    // Assert
    expect(result).toBe(expected);
  });

  it.each([['qa'], ['production-eu-west'], ['x'], [''], ['   '], ['kube'], ['a'.repeat(500)]])(
    'suggests nothing for %j',
    (input) => {
      const result = closestName(input, clusters);
      expect(result).toBeUndefined();
    },
  );

  it('prefers an exact alias over a longer name it prefixes', () => {
    const result = closestName('prod', ['prod-cluster', 'prod']);
    expect(result).toBe('prod');
  });

  it('suggests nothing from an empty list', () => {
    expect(closestName('prod', [])).toBeUndefined();
  });

  it('always returns one of the candidates', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.array(fc.string({ maxLength: 30 }), { maxLength: 8 }),
        (input, names) => {
          const result = closestName(input, names);
          return result === undefined || names.includes(result);
        },
      ),
    );
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['prod', 'prod', 0],
    ['prod', 'prodd', 1],
    ['prod', 'pord', 1],
    ['prod', 'rpod', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('between %j and %j is %d', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
  });

  it('is symmetric', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        return editDistance(a, b) === editDistance(b, a);
      }),
    );
  });
});
