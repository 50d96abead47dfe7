import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configReferenceMarkdown, documentedPaths } from '../../../src/config/config-reference.ts';
import { KEY_DOCS } from '../../../src/config/key-docs.ts';

describe('the configuration reference', () => {
  it('describes every key the schema accepts, and no key it does not', () => {
    const paths = documentedPaths();

    expect(paths.filter((p) => KEY_DOCS[p] === undefined)).toEqual([]);
    expect(Object.keys(KEY_DOCS).filter((p) => !paths.includes(p))).toEqual([]);
    expect(paths).toContain('clusters[].requestForOthers');
    expect(paths).toContain('clusters[].policies.<level>.approvers');
  });

  it('in docs/ is what the schema generates now (regenerate with npm run docs:config)', () => {
    const committed = readFileSync(resolve(import.meta.dirname, '../../../docs/config-reference.md'), 'utf8');

    expect(committed).toBe(configReferenceMarkdown());
  });
});
