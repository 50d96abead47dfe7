import { readFileSync } from 'node:fs';
import { closestName } from '../core/intent/suggest.ts';

/** The package version, read from package.json next to src/ so `--version` needs no build step and no settings. */
export function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  return typeof parsed.version === 'string' ? parsed.version : 'unknown';
}

export function isHelpFlag(word: string | undefined): boolean {
  return word === '--help' || word === '-h' || word === 'help';
}

/** "Unknown option '--clustr'" → the same line plus "did you mean --cluster?" when one is close. */
export function unknownWordHint(given: string, known: readonly string[]): string {
  const bare = given.replace(/^-+/, '');
  const closest = closestName(
    bare,
    known.map((k) => k.replace(/^-+/, '')),
  );
  if (!closest) return '';
  const spelled = known.find((k) => k.replace(/^-+/, '') === closest) ?? closest;
  return ` Did you mean ${spelled}?`;
}

/** node:util parseArgs' message names the option in quotes; the hint follows it when a known option is close. */
export function parseArgsHint(message: string, options: readonly string[]): string {
  const named = /'(-{1,2}[^']+)'/.exec(message)?.[1];
  if (!named) return message;
  return `${message}${unknownWordHint(
    named,
    options.map((o) => `--${o}`),
  )}`;
}
