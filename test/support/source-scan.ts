import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');

/** The TypeScript files under `dir` (relative to the repository), minus any path containing one of `exclude`. */
export function sourceFiles(dir: string, exclude: readonly string[] = []): { path: string; text: string }[] {
  const walk = (full: string): string[] =>
    readdirSync(full).flatMap((name) => {
      const child = join(full, name);
      return statSync(child).isDirectory() ? walk(child) : child.endsWith('.ts') ? [child] : [];
    });
  return walk(resolve(REPO, dir))
    .map((full) => relative(REPO, full))
    .filter((path) => !exclude.some((part) => path.includes(part)))
    .map((path) => ({ path, text: readFileSync(resolve(REPO, path), 'utf8') }));
}

export function readRepoFile(path: string): string {
  return readFileSync(resolve(REPO, path), 'utf8');
}
