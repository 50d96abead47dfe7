/**
 * `npm run demo:sample`: records the demo's sample session from a real run (see sandbox/demo/sample-session.ts)
 * and writes it into docs/demo.md between the demo-session markers. `--print` writes it to stdout instead.
 * test/e2e/demo.test.ts records it again and fails when the docs' copy differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { normalizeSession, recordSession } from '../sandbox/demo/sample-session.ts';
import { replaceSampleBlock, SAMPLE_DOC } from '../sandbox/demo/sample-block.ts';

const README = resolve(import.meta.dirname, '..', SAMPLE_DOC);

const recorded = await recordSession({ progress: (line) => process.stderr.write(`> ${line}\n`) });
const session = normalizeSession(recorded.transcript);
await recorded.stop();
if (process.argv.includes('--print')) {
  process.stdout.write(session);
} else {
  writeFileSync(README, replaceSampleBlock(readFileSync(README, 'utf8'), session));
  process.stderr.write(`Wrote the sample session (${session.split('\n').length} lines) into ${SAMPLE_DOC}.\n`);
}
