import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');
// The loopback fakes and the demo live outside src/, so the production image (which copies src/) leaves them out.
const SANDBOX = resolve(import.meta.dirname, '../sandbox');

type Layer = 'core' | 'usecases' | 'adapters' | 'runtime' | 'config' | 'shared' | 'sandbox' | 'cli';

// Who may import whom. Core imports only core (plus pure packages); use cases add ports and shared.
const ALLOWED: Record<Layer, readonly Layer[]> = {
  core: ['core'],
  usecases: ['usecases', 'core', 'shared'],
  adapters: ['adapters', 'usecases', 'core', 'shared', 'config'],
  runtime: ['runtime', 'adapters', 'usecases', 'core', 'shared', 'config'],
  config: ['config', 'core'],
  shared: ['shared'],
  // Development tooling: the fakes and the demo may use anything in src/; nothing in src/ may use them.
  sandbox: ['sandbox', 'runtime', 'adapters', 'usecases', 'core', 'shared', 'config'],
  cli: ['runtime', 'config', 'shared'],
};
/** The one way into sandbox/ from src/: the `demo` command loads it on use, and says so when it is not installed. */
const SANDBOX_DOORS = new Set(['cli.ts → ../sandbox/demo/run-demo.ts']);
const CORE_PACKAGES = new Set(['yaml']);
// Use cases talk to the world through ports only: node built-ins that do no I/O are the only packages they import.
const USECASE_PACKAGES = new Set(['node:crypto']);
const CORE_FORBIDDEN = [/Date\.now\(/, /new Date\(\)/, /Math\.random\(/, /\bprocess\./, /setTimeout\(/, /\bfetch\(/];
// Use cases read time from the injected Clock, so a test can fix it; timers for their own timeouts are allowed.
const USECASE_FORBIDDEN = [/Date\.now\(/, /new Date\(\)/, /Math\.random\(/, /\bprocess\./, /\bfetch\(/];

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

function layerOf(file: string): Layer {
  if (!relative(SANDBOX, file).startsWith('..')) return 'sandbox';
  const rel = relative(SRC, file);
  if (rel === 'cli.ts') return 'cli';
  return rel.split('/')[0] as Layer;
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

const files = [...listFiles(SRC), ...listFiles(SANDBOX)];
const edges = files.map((file) => ({
  file,
  imports: importsOf(file),
}));

describe('architecture', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files.some((f) => layerOf(f) === 'core')).toBe(true);
  });

  it.each(edges.map((e) => [relative(SRC, e.file), e] as const))('%s imports only what its layer allows', (_, edge) => {
    const from = layerOf(edge.file);
    const bad: string[] = [];
    for (const spec of edge.imports) {
      if (spec.startsWith('.')) {
        const target = layerOf(resolve(dirname(edge.file), spec));
        const door = `${relative(SRC, edge.file)} → ${spec}`;
        if (!ALLOWED[from].includes(target) && !SANDBOX_DOORS.has(door)) bad.push(`${spec} (${from} → ${target})`);
      } else if (from === 'core' && !CORE_PACKAGES.has(spec)) {
        bad.push(`${spec} (core may import only pure packages)`);
      } else if (from === 'usecases' && !USECASE_PACKAGES.has(spec)) {
        bad.push(`${spec} (use cases reach SDKs, Bolt and Redis through ports)`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('keeps the core free of clocks, randomness, the environment and I/O', () => {
    const offenders = files
      .filter((f) => layerOf(f) === 'core')
      .flatMap((f) => {
        const text = readFileSync(f, 'utf8');
        return CORE_FORBIDDEN.filter((pattern) => pattern.test(text)).map((p) => `${relative(SRC, f)}: ${p}`);
      });
    expect(offenders).toEqual([]);
  });

  it('keeps use cases off the wall clock, randomness and the environment', () => {
    const offenders = files
      .filter((f) => layerOf(f) === 'usecases')
      .flatMap((f) => {
        const text = readFileSync(f, 'utf8');
        return USECASE_FORBIDDEN.filter((pattern) => pattern.test(text)).map((p) => `${relative(SRC, f)}: ${p}`);
      });
    expect(offenders).toEqual([]);
  });

  it('ships no fake in src/', () => {
    const inSrc = files.filter((f) => !relative(SRC, f).startsWith('..'));
    const fakes = inSrc.filter((f) => /\bclass \w+Fake\b/.test(readFileSync(f, 'utf8')));
    expect(fakes.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('has no import cycles', () => {
    const graph = new Map(
      edges.map((e) => [e.file, e.imports.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(e.file), s))]),
    );
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(node)), node].map((f) => relative(SRC, f)).join(' → '));
        return;
      }
      state.set(node, 'visiting');
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});
