import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../../src/core/diagnose/diagnose.ts';
import { RULES } from '../../../../src/core/diagnose/rules/index.ts';
import { healthy, MODES } from './builders.ts';

describe('healthy evidence', () => {
  it.each(MODES.flatMap((mode) => RULES.map(({ id, rule }) => [mode, id, rule] as const)))(
    '%s: %s finds nothing',
    (mode, _id, rule) => {
      const evidence = healthy(mode);

      const finding = rule(evidence);

      expect(finding).toBeUndefined();
    },
  );

  it.each(MODES)('%s: the verdict is ok and every check passes', (mode) => {
    const diagnosis = diagnose(healthy(mode));

    expect(diagnosis.verdict).toBe('ok');
    expect(diagnosis.findings).toEqual([]);
    expect(diagnosis.headline).toMatch(/^Access should work: /);
    expect(diagnosis.checks.filter((c) => c.result !== 'pass')).toEqual([]);
  });
});
