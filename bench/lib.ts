import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const RESULTS_FILE = resolve(import.meta.dirname, 'results.json');

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** Merges one benchmark's figures into bench/results.json, keeping the others' last run. */
export function recordResult(name: string, result: Record<string, unknown>): void {
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    // first run
  }
  all[name] = { ...result, node: process.version, at: new Date().toISOString() };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(all, null, 2)}\n`);
}

export function row(label: string, value: string, target?: string, ok?: boolean): string {
  const verdict = ok === undefined ? '' : ok ? 'PASS' : 'FAIL';
  return `${label.padEnd(52)} ${value.padStart(14)}  ${(target ?? '').padEnd(14)} ${verdict}`;
}
