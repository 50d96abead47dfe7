/** Writes docs/config-reference.md from the config schema (`npm run docs:config`); a unit test fails when it drifts. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configReferenceMarkdown } from '../src/config/config-reference.ts';

writeFileSync(resolve(import.meta.dirname, '..', 'docs', 'config-reference.md'), configReferenceMarkdown());
process.stderr.write('Wrote docs/config-reference.md.\n');
