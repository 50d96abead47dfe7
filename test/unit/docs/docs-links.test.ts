import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** GitHub's heading anchors: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  for (const [, heading = ''] of withoutCode.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Relative links, outside code blocks: [label](target). */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '').filter((t) => !/^[a-z]+:/.test(t));
}

/** The words after `eks-access` in shell commands inside code: each must be a command the CLI has. */
function cliCommandsOf(markdown: string): string[] {
  // Recorded transcripts (```text) are output, not commands; `kubectl -n eks-access …` names a namespace.
  const code = [...markdown.replace(/```text[\s\S]*?```/g, '').matchAll(/```[\s\S]*?```|`[^`\n]+`/g)]
    .map((m) => m[0])
    .join('\n');
  return [...code.matchAll(/(?:^|[`\s;&|(])(?<!-n )eks-access ([a-z][a-z-]*)/gm)].map((m) => m[1] ?? '');
}

const CLI_COMMANDS = ['start', 'web', 'worker', 'demo', 'doctor', 'aws-auth', 'audit', 'config', 'help', 'version'];
const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);

describe.each(DOCS)('%s', (file) => {
  const text = read(file);

  it('links only to files and headings that exist', () => {
    const dead = linksOf(text).filter((target) => {
      const [path = '', anchor] = target.split('#');
      const targetFile = path === '' ? file : join(dirname(file), path);
      if (!existsSync(join(ROOT, targetFile))) return true;
      if (anchor === undefined || !targetFile.endsWith('.md')) return false;
      return !anchorsOf(read(targetFile)).has(anchor);
    });
    expect(dead).toEqual([]);
  });

  it('names only npm scripts and eks-access commands that exist', () => {
    const npmRuns = [...text.matchAll(/npm run ([a-z][\w:-]*)/g)].map((m) => m[1] ?? '');
    expect(npmRuns.filter((name) => !scripts.includes(name))).toEqual([]);
    expect(cliCommandsOf(text).filter((name) => !CLI_COMMANDS.includes(name))).toEqual([]);
  });
});
