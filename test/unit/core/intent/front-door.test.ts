import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const INTENT = join(ROOT, 'src/core/intent');
/**
 * What code outside core/intent may call there: the front door, the neutral message it reads, the intent's types
 * and limits, and two helpers that are not grammars (duration formatting, closest-name suggestions). Every other
 * module in core/intent is a part of the parser, reached only through `parseMessage`. Type imports are free.
 */
const OPEN_MODULES = new Set(['parse-message.ts', 'message-text.ts', 'intent.ts', 'duration.ts', 'suggest.ts']);

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Value imports of parser parts in one file's source, as `spec` strings. */
function parserPartsImported(file: string, source: string): string[] {
  const parsed = ts.createSourceFile(file, source, ts.ScriptTarget.Latest);
  const bad: string[] = [];
  for (const statement of parsed.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const spec = statement.moduleSpecifier;
    if (spec === undefined || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
    const target = resolve(dirname(file), spec.text);
    if (dirname(target) !== INTENT || OPEN_MODULES.has(basename(target))) continue;
    if (isTypeOnly(statement)) continue;
    bad.push(spec.text);
  }
  return bad;
}

function isTypeOnly(statement: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(statement)) return statement.isTypeOnly;
  const clause = statement.importClause;
  if (clause === undefined) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
}

const callers = ['src', 'sandbox']
  .flatMap((dir) => listFiles(join(ROOT, dir)))
  .filter((file) => relative(INTENT, file).startsWith('..'));

describe('the parser front door', () => {
  it('is the only parser entry used outside core/intent', () => {
    const bad = callers.flatMap((file) =>
      parserPartsImported(file, readFileSync(file, 'utf8')).map((spec) => `${relative(ROOT, file)} → ${spec}`),
    );
    expect(callers.length).toBeGreaterThan(50);
    expect(bad).toEqual([]);
  });

  it('catches a planted call to a grammar part, and lets a type import through', () => {
    const file = join(ROOT, 'src/usecases/inbound/planted.ts');
    const planted = [
      "import { parseCancelCommand } from '../../core/intent/cancel-command.ts';",
      "import type { AdminCommand } from '../../core/intent/admin-command.ts';",
      "import { type ReportCommand } from '../../core/intent/report-command.ts';",
      "import { parseMessage } from '../../core/intent/parse-message.ts';",
    ].join('\n');
    expect(parserPartsImported(file, planted)).toEqual(['../../core/intent/cancel-command.ts']);
  });
});
