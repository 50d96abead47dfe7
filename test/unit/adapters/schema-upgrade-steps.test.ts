import { describe, expect, it } from 'vitest';
import { UPGRADE_STEPS } from '../../../src/adapters/store/schema-upgrade.ts';
import { SCHEMA_UPGRADES } from '../../../src/core/request/store-schema.ts';

describe('the store upgrade steps', () => {
  it('every described step has its Redis work, and there is none without a description', () => {
    expect(Object.keys(UPGRADE_STEPS).map(Number).sort()).toEqual(SCHEMA_UPGRADES.map((s) => s.from));
  });
});
